<%@ LANGUAGE = VBScript.Encode %>
<html><body><p>You are visitor number <%#@~^kgAAAA==)awsbmmYkKxcJW13@#@&zw2sbmlDrW	`J4rO/r#,'~b22^k^lDrW	`E4bY/Eb,_~F@#@&zw2^k1lYbW	 j	VGm0@#@&]/wKU/RMrO+,sKDhlOH!:8+Mcbawsr1lYrG	`EtbOkJbBPZ#@#@&OC4AAA==^#~@%></p></body></html>
