-- The probes exhunt scan sends with --checks ssrf-26855,proxyshell, as an
-- nmap NSE script, for bench/scan/run.sh: logon page, /owa/, the exporttool
-- manifest, the NTLM challenge, the SSRF probe and the ProxyShell probe.
-- Written for this benchmark; it is the peer a user would otherwise pick.
local http = require "http"
local shortport = require "shortport"
local stdnse = require "stdnse"

description = [[Exchange fingerprint and ProxyLogon/ProxyShell checks (bench peer).]]
categories = {"safe"}
portrule = shortport.port_or_service({443, 9510}, {"https"})

local function get(host, port, path, header)
  local opts = {header = header or {}, redirect_ok = false, no_cache = true,
                bypass_cache = true}
  return http.get(host, port, path, opts)
end

action = function(host, port)
  local out = {}
  local r = get(host, port, "/owa/auth/logon.aspx")
  local body = r and r.body or ""
  local cu = body:match("/owa/auth/(%d+%.%d+%.%d+)/") or body:match("/owa/(%d+%.%d+%.%d+%.%d+)/")
  if not cu and not (r and r.header and r.header["x-feserver"]) then
    return nil
  end
  out[#out + 1] = "cu=" .. (cu or "?")
  r = get(host, port, "/owa/")
  if r and r.header and r.header["x-owa-version"] then
    out[#out + 1] = "build=" .. r.header["x-owa-version"]
  else
    r = get(host, port, "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application")
    local v = r and r.body and r.body:match('exporttool%.application"%s+version="([%d%.]+)"')
    if v then out[#out + 1] = "build=" .. v end
  end
  get(host, port, "/EWS/Exchange.asmx",
      {Authorization = "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw=="})
  r = get(host, port, "/owa/auth/x.js", {Cookie =
    "X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;"})
  local t = r and r.header and r.header["x-calculatedbetarget"]
  out[#out + 1] = "ssrf=" .. ((t and t:match("localhost")) and "vulnerable" or (r and r.status and "not-vulnerable" or "mitigated"))
  r = get(host, port, "/autodiscover/autodiscover.json?@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com")
  out[#out + 1] = "proxyshell=" .. (r and r.status == 302 and "vulnerable" or "not-vulnerable")
  return table.concat(out, " ")
end
