// App_Code helper of an intranet site: picks the page culture from the
// query string among the ones the site supports.
using System.Globalization;
using System.Web;

public static class CultureHelper
{
	static readonly string[] Supported = { "en-US", "de-DE", "fr-FR" };

	public static CultureInfo FromRequest(HttpRequest req)
	{
		string asked = req.QueryString["lang"];
		foreach (string c in Supported)
			if (string.Equals(
			        c, asked,
			        System.StringComparison.OrdinalIgnoreCase))
				return new CultureInfo(c);
		return new CultureInfo("en-US");
	}

	public static string Label(string text)
	{
		return HttpUtility.HtmlEncode(text);
	}
}
