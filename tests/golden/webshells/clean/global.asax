<%@ Application Language="C#" Inherits="Microsoft.Exchange.HttpProxy.Global" %>
