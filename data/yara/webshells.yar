/*
 * Web-shell rules written for exhunt hunt (not copied from any rule set).
 * They follow the forms documented for the 2021-2022 Exchange campaigns
 * (../shared/reference/host-hunting.md §2.4-2.7). Each rule gates on a
 * server-side marker so client-side script in HTML does not match.
 * meta: chain = proxylogon | proxyshell | "" (which campaign drops this
 * form), description = what a person reads.
 */

private rule exh_server_side
{
    strings:
        $a = "<%" ascii wide
        $b = /runat\s*=\s*["']?server/ nocase ascii wide
        $c = "Page Language" nocase ascii wide
    condition:
        any of them
}

rule exh_chopper_eval_request
{
    meta:
        chain = ""
        description = "China Chopper style: eval of a request parameter"
    strings:
        $e1 = /[Ee][Vv][Aa][Ll]\s*\(\s*[Rr]equest\s*[\.\[\(]/ ascii wide
        $e2 = /[Ee][Vv][Aa][Ll]\s*\/\*[^*]{0,64}\*\/\s*\(\s*[Rr]equest/ ascii wide
        $u = "\"unsafe\"" nocase ascii wide
    condition:
        exh_server_side and filesize < 200KB and (1 of ($e*)) and ($u or filesize < 4KB)
}

rule exh_eval_base64_request
{
    meta:
        chain = ""
        description = "eval of base64-decoded request data"
    strings:
        $e = /[Ee][Vv][Aa][Ll]\s*\([^)]{0,120}FromBase64String/ ascii wide
        $b = "FromBase64String" nocase ascii wide
        $r = /Request\s*[\.\[\(]/ ascii wide
    condition:
        exh_server_side and filesize < 100KB and all of them
}

rule exh_oab_vdir_dump
{
    meta:
        chain = "proxylogon"
        description = "OAB virtual-directory dump with script in ExternalUrl (CVE-2021-27065 drop)"
    strings:
        $s = /<script[^>]{0,80}runat/ nocase ascii wide
        $x = "ExternalUrl" nocase ascii wide
        $i = "InternalAuthenticationMethods" nocase ascii wide
        $o = "OfflineAddressBooks" nocase ascii wide
    condition:
        filesize < 100KB and $s and $x and ($i or $o)
}

rule exh_pst_export_aspx
{
    meta:
        chain = "proxyshell"
        description = "mailbox exported as PST to a script file (ProxyShell drop)"
    strings:
        $p1 = "Page Language" nocase ascii wide
        $p2 = "Request" ascii wide
        $p3 = "unsafe" nocase ascii wide
        $p4 = "runat" nocase ascii wide
    condition:
        uint32(0) == 0x4e444221 and 1 of them
}

rule exh_cert_request_aspx
{
    meta:
        chain = "proxyshell"
        description = "certificate request written to a script file (ProxyShell drop variant)"
    strings:
        $p = "Page Language" nocase ascii wide
        $r = "runat" nocase ascii wide
    condition:
        uint16(0) == 0x8230 and filesize < 64KB and 1 of them
}

rule exh_request_to_process
{
    meta:
        chain = ""
        description = "starts a process from request data"
    strings:
        $p1 = "ProcessStartInfo" ascii wide
        $p2 = "Process.Start" ascii wide
        $p3 = /cmd(\.exe)?["']?\s*,/ nocase ascii wide
        $r = /Request\s*(\.\s*(Form|Item|QueryString|Params|Headers)|\[)/ ascii wide
    condition:
        exh_server_side and filesize < 300KB and $r and 1 of ($p*)
}

rule exh_assembly_loader
{
    meta:
        chain = ""
        description = "loads a .NET assembly from request data"
    strings:
        $l = "Assembly.Load" ascii wide
        $l2 = "System.Reflection.Assembly" ascii wide
        $b = "FromBase64String" nocase ascii wide
        $r = /Request\s*[\.\[\(]/ ascii wide
    condition:
        exh_server_side and filesize < 300KB and 1 of ($l*) and $b and $r
}

rule exh_uploader
{
    meta:
        chain = ""
        description = "writes an uploaded file to the server"
    strings:
        $u1 = /Request\.Files\s*\[\s*0\s*\]\s*\.SaveAs\s*\(/ ascii wide
        $u2 = /StreamWriter\s*\(\s*Request\s*[\.\[]/ ascii wide
        $u3 = /File\.WriteAll(Bytes|Text)\s*\([^)]{0,120}Request/ ascii wide
    condition:
        exh_server_side and filesize < 100KB and 1 of them
}

rule exh_tunnel
{
    meta:
        chain = ""
        description = "HTTP-to-socket tunnel (reGeorg-like)"
    strings:
        $s = "System.Net.Sockets" ascii wide
        $h1 = "X-CMD" ascii wide
        $h2 = "X-STATUS" ascii wide
        $h3 = "X-TARGET" ascii wide
    condition:
        exh_server_side and $s and 2 of ($h*)
}

rule exh_xsl_transform
{
    meta:
        chain = ""
        description = "XSL transform of request data (script execution)"
    strings:
        $x = "LoadXml" ascii wide
        $b = "FromBase64String" ascii wide
        $t = "Transform(" ascii wide
        $r = /Request\s*[\.\[]/ ascii wide
    condition:
        exh_server_side and all of them
}

rule exh_leading_binary_aspx
{
    meta:
        chain = ""
        description = "script page behind non-text leading bytes (dropper artefact)"
    strings:
        $p = "Page Language" nocase ascii wide
    condition:
        filesize < 4MB and $p and uint8(0) >= 0x80 and uint8(1) >= 0x80 and
        uint16(0) != 0xfeff and uint16(0) != 0xfffe and uint16(0) != 0xbbef
}
