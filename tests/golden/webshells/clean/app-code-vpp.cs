// App_Code of a small intranet CMS: pages kept in its database are served
// through a virtual path provider registered at start, cached for a
// minute; a preview flag read from the query string elsewhere.
using System;
using System.Configuration;
using System.Data.SqlClient;
using System.IO;
using System.Text;
using System.Web;
using System.Web.Caching;
using System.Web.Hosting;

public static class AppStart
{
	public static void AppInitialize()
	{
		HostingEnvironment.RegisterVirtualPathProvider(new DbPathProvider());
	}
}

public class DbPathProvider : VirtualPathProvider
{
	static bool IsCms(string p)
	{
		return p.StartsWith("/cms/", StringComparison.OrdinalIgnoreCase);
	}

	public override bool FileExists(string p)
	{
		return IsCms(p) ? Load(p) != null : Previous.FileExists(p);
	}

	public override VirtualFile GetFile(string p)
	{
		return IsCms(p) ? new DbFile(p, Load(p)) : Previous.GetFile(p);
	}

	internal static string Load(string p)
	{
		string body = HttpRuntime.Cache[p] as string;
		if (body != null)
			return body;
		string cs = ConfigurationManager.ConnectionStrings["cms"].ConnectionString;
		using (var c = new SqlConnection(cs)) {
			c.Open();
			var cmd = new SqlCommand("SELECT body FROM pages WHERE path = @p", c);
			cmd.Parameters.AddWithValue("@p", p);
			body = cmd.ExecuteScalar() as string;
		}
		if (body != null)
			HttpRuntime.Cache.Insert(p, body, null, DateTime.UtcNow.AddMinutes(1),
			                         Cache.NoSlidingExpiration);
		return body;
	}
}

public class DbFile : VirtualFile
{
	readonly string body;

	public DbFile(string p, string body) : base(p) { this.body = body; }

	public override Stream Open()
	{
		return new MemoryStream(Encoding.UTF8.GetBytes(body));
	}
}

public static class Preview
{
	public static bool Wanted(HttpRequest r)
	{
		return r.QueryString["preview"] == "1";
	}
}
