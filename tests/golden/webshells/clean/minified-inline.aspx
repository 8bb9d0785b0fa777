<%@ Page Language="C#" Inherits="System.Web.UI.Page" %>
<html><head><script>!function(e,t){"use strict";var n=e.eval,r=t.createElement("script");function o(e){return n("("+e+")")}e.parse=o;var i=[1,2,3].map(function(e){return e^2});e.x=i}(window,document);</script></head><body></body></html>
