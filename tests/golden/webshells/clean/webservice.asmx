<%@ WebService Language="C#" Class="Clock" %>
using System;
using System.Web.Services;

[WebService(Namespace = "http://tempuri.org/")]
public class Clock : WebService
{
    [WebMethod]
    public string Now(string zone)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, tz).ToString("o");
    }
}
