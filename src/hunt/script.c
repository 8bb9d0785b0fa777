/* Behavioural web-shell recognition (script.h). The canonical form makes
 * the usual obfuscations vanish before anything is matched, and the
 * judgement asks what the code does: a request source and a dangerous
 * sink in server-side code, not one sample's parameter names. Every
 * step is linear in the input; scratch memory is a few copies of it. */
#include "hunt/script.h"
#include "base/err.h"
#include "hunt/screnc.h"
#include "base/text.h"
#include "base/view.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

enum feat {
	F_SERVER,        /* <% or runat=server */
	F_JSCRIPT,       /* JScript page or script block */
	F_UNSAFE,        /* "unsafe", JScript eval's full-trust flag */
	F_EVAL,          /* eval( / execute( */
	F_EVAL_REQ,      /* eval( of a request source (computed) */
	F_REQ,           /* a request source */
	F_REQ_VAR,       /* the request object held in a variable or passed */
	F_REQ_RAW,       /* the request body as bytes */
	F_REQ_HDR,       /* request headers */
	F_TEXTBOX,       /* a posted-back server text box */
	F_TEXT,          /* .Text read */
	F_STDIN,         /* a started process's standard input */
	F_PROCESS,       /* Process / ProcessStartInfo */
	F_SHELLSTR,      /* "cmd", "powershell", "/c" */
	F_WSCRIPT,       /* WScript.Shell and friends */
	F_PSHOST,        /* a PowerShell runspace or pipeline in the page */
	F_ASMLOAD,       /* Assembly.Load */
	F_CREATEINST,    /* CreateInstance */
	F_CODEDOM,       /* compilers and script engines */
	F_XSLT,          /* XslCompiledTransform / XslTransform */
	F_XFORM,         /* .Transform( */
	F_XSLSCRIPT,     /* script enabled in XSL */
	F_LOADXML,       /* XML loaded from a string */
	F_REFLECT,       /* GetMethod / Invoke */
	F_CRYPTO,        /* a symmetric cipher */
	F_XOR,           /* byte-wise XOR */
	F_B64,           /* FromBase64String */
	F_SESSION,       /* Session / Application / Cache state */
	F_SOCKETS,       /* sockets */
	F_TIMESTOMP,     /* file times or attributes set */
	F_REQFILES,      /* Request.Files / HttpPostedFile */
	F_SAVEAS,        /* .SaveAs( */
	F_FILEWRITE_REQ, /* a file write of request data (computed) */
	F_SCRIPTTAG,     /* <script ... */
	F_EXTURL,        /* OAB dump properties */
	F_OABPROP,
	F_CONFIG_EXEC,   /* .config mapped to a script engine */
	F_CONFIG_UNHIDE, /* .config / web.config unhidden */
	F_SCRIPTPROC,    /* scriptProcessor= */
	F_EMBED_PE,      /* a Base64 literal holding a PE (computed) */
	F_HANDLER,       /* a .config registers a foreign handler or module */
	F_CONFIG_MAP,    /* a .config makes other files run as pages */
	F_PROC_ARGS,     /* a process's file name or arguments set */
	F_PROC_CTRL,     /* ... from a form control's text (computed) */
	F_DESER,         /* a formatter that builds any type (ysoserial) */
	F_NATIVE_ALLOC,  /* memory allocated or made executable (Win32) */
	F_NATIVE_RUN,    /* a thread, APC or function pointer started there */
	F_DBCONNSTR,     /* a connection string put together from pieces */
	F_DBEXEC,        /* a database command run */
	F_SEND,          /* data sent out: a web request, a mail */
	F_CRED_OUT,      /* a password field near a file write or a send
	                  * (computed) */
	F_CRED_BEACON,   /* browser script sending a password box's value
	                  * to an absolute URL (computed) */
	F_FILEPATH_REQ,  /* a file read, listed, copied or deleted at a path
	                  * the request names (computed) */
	F_FETCH_REQ,     /* a URL the request names fetched (computed) */
	F_ASM_DROPPED,   /* an assembly loaded from a temporary or shared
	                  * folder (computed) */
	F_TYPE_REQ,      /* a type the request names whole, looked up or
	                  * created (computed) */
	F_SSI_EXEC,      /* a server-side include that runs a command */
	F_ENCODED,       /* server script encoded by the Script Encoder */
	F_EDR_PROBE,     /* server code naming two or more security
	                  * products' programs (SecChecker) */
	F_MACHINEKEY,    /* the machine-key configuration read */
	F_KEYFIELD,      /* its validation or decryption key named */
	F_VPP,           /* a virtual path provider registered: pages served
	                  * from wherever it says, memory included */
	F_IISCFG,        /* IIS's configuration managed from code
	                  * (Microsoft.Web.Administration, ADSI's IIS://) */
	F_UPLOAD_CHECKED, /* an upload's extension checked against a list of
	                   * documents or images, or saved under App_Data,
	                   * which IIS never serves (computed) */
	F_COUNT,
};

#define BIT(f) (UINT64_C(1) << (f))
_Static_assert(F_COUNT <= 64, "features are bits of a uint64_t");

struct pat {
	const char *s;
	int feat;    /* enum feat, or -1 for file operations */
	int fileop;  /* index of the file operation (feat == -1) */
	int window;  /* 1: check a request source is in the call's arguments
	              * (and, for a file write, a password field near it);
	              * 2: a form control's text (F_PROC_CTRL);
	              * 3: a password field near it (F_CRED_OUT);
	              * 4: a password box's value and an absolute URL near
	              * it (F_CRED_BEACON);
	              * 5: a request source in the call's arguments makes
	              * F_FILEPATH_REQ (a file operation) or feat;
	              * 6: a password field, or a variable set from one,
	              * in the statement or call that follows (F_CRED_OUT);
	              * 7: the call's arguments name a temporary or shared
	              * folder (F_ASM_DROPPED);
	              * 8: a document's or image's extension ("".pdf"",
	              * "".jpg"", ...) follows (F_UPLOAD_CHECKED);
	              * 9: the text names IIS's configuration: a change
	              * committed there, not one to a directory (F_IISCFG) */
};

/* A pattern that starts a word: the byte before it may not continue an
 * identifier or a member access (XMLHttpRequest(, conn.Execute( and
 * retrieval( are not what they seem). */
/* Where whitespace was removed: one bit per byte of the canonical text,
 * set when a gap preceded that byte, so word starts survive compaction. */
#define GAP_SET(g, i) ((g)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define GAP_CLR(g, i) ((g)[(i) >> 3] &= (uint8_t) ~(1u << ((i)&7)))
#define GAP_GET(g, i) (((g)[(i) >> 3] >> ((i) & 7)) & 1u)

/* A byte of an identifier in the canonical (lower-case) text. */
static bool ident_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool word_start(const uint8_t *t, const uint8_t *gap, size_t i,
                       bool allow_dot)
{
	uint8_t c;

	if (i == 0 || GAP_GET(gap, i))
		return true;
	c = t[i - 1];
	if (c == '.')
		return allow_dot;
	return !(ident_byte(c) || c >= 0x80);
}

static bool needs_word_start(const char *s)
{
	return strncmp(s, "request", 7) == 0 || strncmp(s, "eval", 4) == 0 ||
	       strncmp(s, "execute", 7) == 0 ||
	       strncmp(s, "newfunction", 11) == 0;
}

/* Patterns over the canonical form: lower case, no whitespace, no
 * comments, escapes decoded, split strings joined. */
static const struct pat pats[] = {
    {"<%", F_SERVER, 0, 0},
    {"runat=\"server\"", F_SERVER, 0, 0},
    {"runat=server", F_SERVER, 0, 0},
    {"runat='server'", F_SERVER, 0, 0},
    {"language=\"jscript\"", F_JSCRIPT, 0, 0},
    {"language='jscript'", F_JSCRIPT, 0, 0},
    {"language=jscript", F_JSCRIPT, 0, 0},
    {"language=\"jscript.encode\"", F_JSCRIPT, 0, 0},
    {"language='jscript.encode'", F_JSCRIPT, 0, 0},
    {"language=\"javascript\"", F_JSCRIPT, 0, 0},
    {"language=\"js\"", F_JSCRIPT, 0, 0},
    {"\"unsafe\"", F_UNSAFE, 0, 0},
    {"'unsafe'", F_UNSAFE, 0, 0},
    {"eval(", F_EVAL, 0, 1},
    /* eval named by a string (this["ev"+"al"](...), joined above), and
     * JScript's Function constructor: eval under other names */
    {"[\"eval\"](", F_EVAL, 0, 1},
    {"['eval'](", F_EVAL, 0, 1},
    {"newfunction(", F_EVAL, 0, 1},
    {"execute(", F_EVAL, 0, 1},
    {"executeglobal(", F_EVAL, 0, 1},
    /* VBScript's statement form, no brackets: "Execute Request(...)".
     * Only with whitespace between the two words (match_text checks):
     * a method named ExecuteRequest is not this. */
    {"evalrequest", F_EVAL_REQ, 0, 0},
    {"executerequest", F_EVAL_REQ, 0, 0},
    {"executeglobalrequest", F_EVAL_REQ, 0, 0},
    {"request[", F_REQ, 0, 0},
    {"request(", F_REQ, 0, 0},
    {"request.item", F_REQ, 0, 0},
    {"request.form", F_REQ, 0, 0},
    {"request.querystring", F_REQ, 0, 0},
    {"request.params", F_REQ, 0, 0},
    {"request.headers", F_REQ_HDR, 0, 0},
    {"request.cookies", F_REQ, 0, 0},
    {"request.inputstream", F_REQ_RAW, 0, 0},
    {"request.binaryread", F_REQ_RAW, 0, 0},
    {"request.files", F_REQFILES, 0, 0},
    {"request.servervariables", F_REQ, 0, 0},
    {"request.getbufferlessinputstream", F_REQ_RAW, 0, 0},
    {"request.getbufferedinputstream", F_REQ_RAW, 0, 0},
    {"request.totalbytes", F_REQ_RAW, 0, 0},
    {"request.rawurl", F_REQ, 0, 0},
    /* The ASP.NET machine keys read from the configuration (the
     * SharePoint ToolShell drop of 2025, spinstall0.aspx, printed them;
     * with them forged ViewState runs code on any server sharing them) */
    {"machinekeysection", F_MACHINEKEY, 0, 0},
    {"system.web/machinekey", F_MACHINEKEY, 0, 0},
    {"getapplicationconfig", F_MACHINEKEY, 0, 0},
    {"validationkey", F_KEYFIELD, 0, 0},
    {"decryptionkey", F_KEYFIELD, 0, 0},
    /* headers read through their own properties */
    {"request.useragent", F_REQ_HDR, 0, 0},
    {"request.urlreferrer", F_REQ_HDR, 0, 0},
    {"request.contenttype", F_REQ_HDR, 0, 0},
    /* the URL itself, and the form read past request validation */
    {"request.url.query", F_REQ, 0, 0},
    {"request.url.pathandquery", F_REQ, 0, 0},
    {"request.url.absoluteuri", F_REQ, 0, 0},
    {"request.url.originalstring", F_REQ, 0, 0},
    {"request.pathinfo", F_REQ, 0, 0},
    {"request.unvalidated", F_REQ, 0, 0},
    {"inputstream", F_REQ_RAW, 0, 0},
    {"binaryread(", F_REQ_RAW, 0, 0},
    {"request;", F_REQ_VAR, 0, 0},
    {"request,", F_REQ_VAR, 0, 0},
    {"request)", F_REQ_VAR, 0, 0},
    {"headers.get(", F_REQ_HDR, 0, 0},
    /* A web service's or WCF service's method: its parameters are the
     * request. */
    {"[webmethod", F_REQ_VAR, 0, 0},
    {"<webmethod", F_REQ_VAR, 0, 0},
    {"[operationcontract", F_REQ_VAR, 0, 0},
    {"<operationcontract", F_REQ_VAR, 0, 0},
    {"headers[\"", F_REQ_HDR, 0, 0},
    {"servervariables[\"http_", F_REQ_HDR, 0, 0},
    {"<asp:textbox", F_TEXTBOX, 0, 0},
    {".text", F_TEXT, 0, 0},
    {"standardinput", F_STDIN, 0, 0},
    {"processstartinfo(", F_PROCESS, 0, 2},
    {"processstartinfo", F_PROCESS, 0, 0},
    {"process.start(", F_PROCESS, 0, 2},
    {".arguments=", F_PROC_ARGS, 0, 2},
    {".filename=", F_PROC_ARGS, 0, 2},
    {"\"system.diagnostics.process", F_PROCESS, 0, 0},
    {".startinfo", F_PROCESS, 0, 0},
    {"newprocess(", F_PROCESS, 0, 0},
    /* processes started without the Process class: WMI's
     * Win32_Process.Create, VB's Interaction.Shell */
    {"win32_process", F_PROCESS, 0, 0},
    {"interaction.shell(", F_PROCESS, 0, 0},
    /* VB's Shell() on its own: its process id kept, called, or given a
     * shell's command line */
    {"=shell(", F_PROCESS, 0, 0},
    {"callshell(", F_PROCESS, 0, 0},
    {"shell(\"cmd", F_PROCESS, 0, 0},
    {"shell(\"powershell", F_PROCESS, 0, 0},
    {"newprocess{", F_PROCESS, 0, 0},
    {"\"cmd", F_SHELLSTR, 0, 0},
    {"cmd.exe", F_SHELLSTR, 0, 0},
    {"\"powershell", F_SHELLSTR, 0, 0},
    {"powershell.exe", F_SHELLSTR, 0, 0},
    {"\"/c", F_SHELLSTR, 0, 0},
    {"\"/bin/sh", F_SHELLSTR, 0, 0},
    {"wscript.shell", F_WSCRIPT, 0, 0},
    {"shell.application", F_WSCRIPT, 0, 0},
    {".shellexecute(", F_WSCRIPT, 0, 0},
    {"runspacefactory", F_PSHOST, 0, 0},
    {"powershell.create(", F_PSHOST, 0, 0},
    {".addscript(", F_PSHOST, 0, 0},
    {".createpipeline(", F_PSHOST, 0, 0},
    {"assembly.load(", F_ASMLOAD, 0, 0},
    {"assembly.loadfrom(", F_ASMLOAD, 0, 7},
    {"assembly.loadfile(", F_ASMLOAD, 0, 7},
    {"assembly.unsafeloadfrom(", F_ASMLOAD, 0, 7},
    {"appdomain.currentdomain.load(", F_ASMLOAD, 0, 0},
    {"assembly::load(", F_ASMLOAD, 0, 0},
    {"getmethod(\"load\"", F_ASMLOAD, 0, 0},
    {".load(convert.frombase64string", F_ASMLOAD, 0, 0},
    {".createinstance(", F_CREATEINST, 0, 0},
    {"activator.createinstance", F_CREATEINST, 0, 0},
    {"createinstancefrom", F_CREATEINST, 0, 0},
    {"createinstanceandunwrap(", F_CREATEINST, 0, 0},
    {"compileassemblyfromsource", F_CODEDOM, 0, 0},
    {"registervirtualpathprovider(", F_VPP, 0, 0},
    {".commitchanges(", F_IISCFG, 0, 9},
    {"compileassemblyfromdom", F_CODEDOM, 0, 0},
    {"compileassemblyfromfile", F_CODEDOM, 0, 0},
    {"csharpcodeprovider", F_CODEDOM, 0, 0},
    {"vbcodeprovider", F_CODEDOM, 0, 0},
    {"jscriptcodeprovider", F_CODEDOM, 0, 0},
    {"codedomprovider", F_CODEDOM, 0, 0},
    {"jscript.vsa", F_CODEDOM, 0, 0},
    {"vsaengine", F_CODEDOM, 0, 0},
    {"jscriptevaluate", F_CODEDOM, 0, 0},
    {"csharpcompilation.create", F_CODEDOM, 0, 0},
    {"csharpscript.", F_CODEDOM, 0, 0},
    {"xslcompiledtransform", F_XSLT, 0, 0},
    {"xsltransform", F_XSLT, 0, 0},
    {".transform(", F_XFORM, 0, 0},
    {"msxsl:script", F_XSLSCRIPT, 0, 0},
    {"enablescript", F_XSLSCRIPT, 0, 0},
    {"xsltsettings(true", F_XSLSCRIPT, 0, 0},
    {"xsltsettings(false,true", F_XSLSCRIPT, 0, 0},
    {"xsltsettings.trustedxslt", F_XSLSCRIPT, 0, 0},
    {"urn:schemas-microsoft-com:xslt", F_XSLSCRIPT, 0, 0},
    {".loadxml(", F_LOADXML, 0, 0},
    {"xmlreader.create(", F_LOADXML, 0, 0},
    {"xpathdocument(", F_LOADXML, 0, 0},
    {".getmethod(", F_REFLECT, 0, 0},
    /* a type the request names, whole: whatever the caller wants
     * created or called (a reflection invoker). Not a type of the
     * application's own namespace picked by a request field ("App.
     * Reports." + name), nor a handler calling its own methods by name. */
    {".gettype(", F_TYPE_REQ, 0, 5},
    {"createinstance(", F_TYPE_REQ, 0, 5},
    {".invoke(", F_REFLECT, 0, 0},
    {"invokemember(", F_REFLECT, 0, 0},
    {"dynamicmethod", F_REFLECT, 0, 0},
    {"rijndaelmanaged", F_CRYPTO, 0, 0},
    {"aesmanaged", F_CRYPTO, 0, 0},
    {"aes.create(", F_CRYPTO, 0, 0},
    {"aescryptoserviceprovider", F_CRYPTO, 0, 0},
    {"createdecryptor(", F_CRYPTO, 0, 0},
    {"transformfinalblock(", F_CRYPTO, 0, 0},
    {"descryptoserviceprovider", F_CRYPTO, 0, 0},
    {"tripledescryptoserviceprovider", F_CRYPTO, 0, 0},
    /* VBScript's Xor against a key's characters, as shells decode
     * ("... Xor Asc(Mid(key, i, 1))"); a hash's Xor of numbers is not
     * this */
    {"xorasc(mid(", F_XOR, 0, 0},
    {"xorascb(midb(", F_XOR, 0, 0},
    /* a program written out as bytes or hex (msfvenom's aspx-exe) */
    {"0x4d,0x5a,0x90,", F_EMBED_PE, 0, 0},
    {"{77,90,144,", F_EMBED_PE, 0, 0},
    {"\"4d5a9000", F_EMBED_PE, 0, 0},
    {"]^", F_XOR, 0, 0},
    {")^", F_XOR, 0, 0},
    {"^key", F_XOR, 0, 0},
    {"^k[", F_XOR, 0, 0},
    {"]^=", F_XOR, 0, 0},
    {"frombase64string(", F_B64, 0, 0},
    {"frombase64chararray(", F_B64, 0, 0},
    {"session[", F_SESSION, 0, 0},
    {"session(", F_SESSION, 0, 0},
    {"session.add(", F_SESSION, 0, 0},
    {"session.item", F_SESSION, 0, 0},
    /* Application and cache state outlive the request: the passwords
     * kept there wait for the attacker's next visit (a harvester with no
     * file). Only when a password itself is stored: a failed-logon
     * counter keyed by the user name is not this. */
    {"application[", F_SESSION, 0, 6},
    {"application(", F_SESSION, 0, 6},
    {"application.add(", F_SESSION, 0, 6},
    {"application.set(", F_SESSION, 0, 6},
    {"httpruntime.cache", F_SESSION, 0, 6},
    {"cache.insert(", F_SESSION, 0, 6},
    {"cache.add(", F_SESSION, 0, 6},
    {"cache[", F_SESSION, 0, 6},
    {"memorycache.default", F_SESSION, 0, 6},
    /* A name looked up that carries the password: DNS exfiltration,
     * which passes where web requests are blocked. A reverse look-up of
     * the client's address is not this. */
    {"dns.gethostaddresses(", F_SEND, 0, 6},
    {"dns.gethostaddressesasync(", F_SEND, 0, 6},
    {"dns.gethostentry(", F_SEND, 0, 6},
    {"dns.gethostentryasync(", F_SEND, 0, 6},
    {"dns.begingethostaddresses(", F_SEND, 0, 6},
    {"dns.begingethostentry(", F_SEND, 0, 6},
    {"dns.gethostbyname(", F_SEND, 0, 6},
    {"dns.resolve(", F_SEND, 0, 6},
    /* and kept in the registry or the event log */
    {"registry.setvalue(", F_SEND, 0, 6},
    {"eventlog.writeentry(", F_SEND, 0, 6},
    {".writeentry(", F_SEND, 0, 6},
    {"system.net.sockets", F_SOCKETS, 0, 0},
    {"newsocket(", F_SOCKETS, 0, 0},
    {"tcpclient(", F_SOCKETS, 0, 0},
    {".beginconnect(", F_SOCKETS, 0, 0},
    {"networkstream", F_SOCKETS, 0, 0},
    {"sockets.socket", F_SOCKETS, 0, 0},
    {"addressfamily.internetwork", F_SOCKETS, 0, 0},
    {"setcreationtime", F_TIMESTOMP, 0, 0},
    {"setlastwritetime", F_TIMESTOMP, 0, 0},
    {"setlastaccesstime", F_TIMESTOMP, 0, 0},
    {".creationtime=", F_TIMESTOMP, 0, 0},
    {".lastwritetime=", F_TIMESTOMP, 0, 0},
    {"httppostedfile", F_REQFILES, 0, 0},
    /* an upload page that takes documents or images only, or keeps
     * them where IIS serves nothing: not a way to plant a page */
    {"getextension(", F_UPLOAD_CHECKED, 0, 8},
    {"app_data", F_UPLOAD_CHECKED, 0, 0},
    /* a file the visitor uploads through a server control: an
     * <asp:FileUpload> or an <input type=file runat=server>'s PostedFile */
    {"<asp:fileupload", F_REQFILES, 0, 0},
    {".postedfile", F_REQFILES, 0, 0},
    {".saveas(", F_SAVEAS, 0, 0},
    {"<script", F_SCRIPTTAG, 0, 0},
    {"externalurl", F_EXTURL, 0, 0},
    {"internalauthenticationmethods", F_OABPROP, 0, 0},
    {"offlineaddressbooks", F_OABPROP, 0, 0},
    {"extendedprotectiontokenchecking", F_OABPROP, 0, 0},
    {"path=\"*.config\"", F_CONFIG_EXEC, 0, 0},
    {"path=\"web.config\"", F_CONFIG_EXEC, 0, 0},
    {"<removefileextension=\".config\"", F_CONFIG_UNHIDE, 0, 0},
    {"<removesegment=\"web.config\"", F_CONFIG_UNHIDE, 0, 0},
    {"scriptprocessor=", F_SCRIPTPROC, 0, 0},
    /* Formatters that build whatever type the bytes name: request bytes
     * given to one run code (ysoserial gadgets; the ViewState attacks on
     * Exchange's ECP) */
    {"binaryformatter(", F_DESER, 0, 0},
    {"losformatter(", F_DESER, 0, 0},
    {"objectstateformatter(", F_DESER, 0, 0},
    {"soapformatter(", F_DESER, 0, 0},
    {"netdatacontractserializer(", F_DESER, 0, 0},
    {"javascriptserializer(newsimpletyperesolver", F_DESER, 0, 0},
    {"typenamehandling.all", F_DESER, 0, 0},
    {"typenamehandling.auto", F_DESER, 0, 0},
    /* Native code run from a page: executable memory, then a thread or
     * a delegate on it (msfvenom's and Cobalt Strike's aspx stagers,
     * shellcode injectors). No application page does either. */
    {"virtualalloc", F_NATIVE_ALLOC, 0, 0},
    {"virtualprotect", F_NATIVE_ALLOC, 0, 0},
    {"ntallocatevirtualmemory", F_NATIVE_ALLOC, 0, 0},
    {"ntprotectvirtualmemory", F_NATIVE_ALLOC, 0, 0},
    {"writeprocessmemory", F_NATIVE_ALLOC, 0, 0},
    {"createthread", F_NATIVE_RUN, 0, 0},
    {"createremotethread", F_NATIVE_RUN, 0, 0},
    {"ntcreatethreadex", F_NATIVE_RUN, 0, 0},
    {"queueuserapc", F_NATIVE_RUN, 0, 0},
    {"getdelegateforfunctionpointer", F_NATIVE_RUN, 0, 0},
    /* Data sent out of the server: with a password field near, the
     * passwords users type leave with it (a harvester in a logon page) */
    {".uploadstring(", F_SEND, 0, 3},
    {".uploadvalues(", F_SEND, 0, 3},
    {".uploaddata(", F_SEND, 0, 3},
    {".downloadstring(", F_SEND, 0, 3},
    {"webrequest.create(", F_SEND, 0, 3},
    {"httpclient(", F_SEND, 0, 3},
    {".postasync(", F_SEND, 0, 3},
    {"smtpclient(", F_SEND, 0, 3},
    {"serverxmlhttp", F_SEND, 0, 3},
    {"winhttp.winhttprequest", F_SEND, 0, 3},
    {"cdo.message", F_SEND, 0, 3},
    {".opentextfile(", F_SEND, 0, 3},
    /* Browser script sending what was typed (the OWA logon keyloggers
     * of 2024 added to clkLgn) */
    {"xmlhttprequest", F_SEND, 0, 4},
    {"fetch(", F_SEND, 0, 4},
    {"sendbeacon(", F_SEND, 0, 4},
    {"newimage(", F_SEND, 0, 4},
    {"rtlcreateuserthread", F_NATIVE_RUN, 0, 0},
    /* A connection string assembled in the page (a password or a
     * server concatenated in) or taken from the request, and a command
     * run: a database console (sql.aspx, ASPXSpy's SQL tab). Pages of
     * applications take theirs from web.config. */
    {"datasource=\"+", F_DBCONNSTR, 0, 0},
    {"server=\"+", F_DBCONNSTR, 0, 0},
    {"password=\"+", F_DBCONNSTR, 0, 0},
    {"pwd=\"+", F_DBCONNSTR, 0, 0},
    {"userid=\"+", F_DBCONNSTR, 0, 0},
    {"uid=\"+", F_DBCONNSTR, 0, 0},
    {"provider=\"+", F_DBCONNSTR, 0, 0},
    {"connectionstring=request", F_DBCONNSTR, 0, 0},
    {"connection(request", F_DBCONNSTR, 0, 0},
    {".open(request", F_DBCONNSTR, 0, 0},
    {".openrequest", F_DBCONNSTR, 0, 0},
    {"sqlcommand(", F_DBEXEC, 0, 0},
    {"oledbcommand(", F_DBEXEC, 0, 0},
    {"odbccommand(", F_DBEXEC, 0, 0},
    {"sqldataadapter(", F_DBEXEC, 0, 0},
    {"oledbdataadapter(", F_DBEXEC, 0, 0},
    {".executereader(", F_DBEXEC, 0, 0},
    {".executenonquery(", F_DBEXEC, 0, 0},
    {".executescalar(", F_DBEXEC, 0, 0},
    {"adodb.connection", F_DBEXEC, 0, 0},
    /* File operations, counted by kind (a file manager does many). */
    {"directoryinfo(", -1, 0, 0},
    {".getfiles(", -1, 1, 5},
    {".getdirectories(", -1, 2, 5},
    {"getfilesystementries(", -1, 1, 5},
    {"enumeratefiles(", -1, 1, 5},
    {"enumeratefilesystementries(", -1, 1, 5},
    {"getdrives(", -1, 3, 0},
    {"getlogicaldrives", -1, 3, 0},
    {"file.delete(", -1, 4, 5},
    {"directory.delete(", -1, 5, 5},
    {"file.move(", -1, 6, 5},
    {"file.copy(", -1, 7, 5},
    {"directory.createdirectory(", -1, 8, 0},
    {".saveas(", -1, 9, 0},
    {"writeallbytes(", -1, 10, 1},
    {"writealltext(", -1, 11, 1},
    {"appendalltext(", -1, 11, 1},
    {"streamwriter(", -1, 12, 1},
    {"filestream(", -1, 13, 1},
    {"readallbytes(", -1, 14, 5},
    {"readalltext(", -1, 15, 5},
    {"readalllines(", -1, 15, 5},
    {"file.openread(", -1, 15, 5},
    {"file.opentext(", -1, 15, 5},
    {"response.writefile(", -1, 16, 5},
    {"response.transmitfile(", -1, 16, 5},
    {"file.openwrite(", -1, 17, 1},
    {"file.create(", -1, 17, 1},
    {"fileinfo(", -1, 18, 0},
    {"scripting.filesystemobject", -1, 19, 0},
    /* the same through ASP's objects: FSO and ADODB.Stream */
    {".opentextfile(", -1, 15, 5},
    {".getfolder(", -1, 1, 5},
    {".deletefile(", -1, 4, 5},
    {".deletefolder(", -1, 5, 5},
    {".copyfile(", -1, 7, 5},
    {".movefile(", -1, 6, 5},
    {".loadfromfile(", -1, 21, 5},
    {".createtextfile(", -1, 20, 1},
    {"adodb.stream", -1, 21, 0},
    {".savetofile(", -1, 22, 1},
    {"setattributes(", -1, 23, 0},
    {"fileattributes.hidden", -1, 23, 0},
    /* A download to the server's disk: the URL or the path from the
     * request makes it an uploader. */
    {"downloadfile(", -1, 24, 1},
    {"downloadfileasync(", -1, 24, 1},
    /* A relay: what a URL the request names holds, fetched by the
     * server (and so from inside its network). */
    {".downloadstring(", F_FETCH_REQ, 0, 5},
    {".downloaddata(", F_FETCH_REQ, 0, 5},
    {"webclient().openread(", F_FETCH_REQ, 0, 5},
    {"webrequest.create(", F_FETCH_REQ, 0, 5},
    {".getstringasync(", F_FETCH_REQ, 0, 5},
    {".getbytearrayasync(", F_FETCH_REQ, 0, 5},
};
#define NPATS (sizeof pats / sizeof pats[0])

/* Patterns indexed by their first two bytes: one table look-up per
 * position, then a compare for the few patterns in that bucket. */
static uint16_t bucket_start[65537];
static uint8_t pat_len[sizeof pats / sizeof pats[0]];
static uint64_t bucket_used[65536 / 64]; /* fits in L1: most pairs miss */
static uint16_t bucket_list[NPATS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static unsigned key2(const char *s)
{
	return ((unsigned)(unsigned char)s[0] << 8) | (unsigned char)s[1];
}

static void table_build(void)
{
	size_t i, k;
	unsigned count[65536] = {0};

	for (i = 0; i < NPATS; i++) {
		count[key2(pats[i].s)]++;
		pat_len[i] = (uint8_t)strlen(pats[i].s);
	}
	bucket_start[0] = 0;
	for (k = 0; k < 65536; k++)
		bucket_start[k + 1] = (uint16_t)(bucket_start[k] + count[k]);
	memset(count, 0, sizeof count);
	for (i = 0; i < NPATS; i++) {
		unsigned b = key2(pats[i].s);
		bucket_list[bucket_start[b] + count[b]++] = (uint16_t)i;
		bucket_used[b >> 6] |= UINT64_C(1) << (b & 63);
	}
}

const char *shell_family_name(enum shell_family f)
{
	static const char *const names[SF_COUNT] = {
	    "none",     "chopper",   "command",   "loader",
	    "compiler", "xsl",       "tunnel",    "filemanager",
	    "uploader", "config",    "oabdump",   "embedded-loader",
	    "database", "shellcode", "harvester", "fileaccess",
	    "keythief",
	};
	return (unsigned)f < SF_COUNT ? names[f] : "none";
}

/* --- The canonical form ---------------------------------------------- */

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f' || c == 0;
}

static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-insensitive prefix test against a lower-case word. */
static bool at_ci(const uint8_t *p, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);

	if (n - i < k)
		return false;
	for (size_t j = 0; j < k; j++)
		if (lc(p[i + j]) != w[j])
			return false;
	return true;
}

/* A number after a char-code call: decimal or 0x hex, spaces allowed
 * before it. Returns the index after it, or 0 when there is none. */
static size_t parse_code(const uint8_t *p, size_t n, size_t i, unsigned *v)
{
	unsigned x = 0;
	size_t start;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 2 < n && p[i] == '0' && lc(p[i + 1]) == 'x') {
		start = i += 2;
		while (i < n && text_hexval(p[i]) >= 0 && i - start < 6)
			x = x * 16 + (unsigned)text_hexval(p[i++]);
	} else {
		start = i;
		while (i < n && p[i] >= '0' && p[i] <= '9' && i - start < 7)
			x = x * 10 + (unsigned)(p[i++] - '0');
	}
	if (i == start)
		return 0;
	*v = x;
	return i;
}

static void put_char(uint8_t *out, size_t *o, unsigned v)
{
	/* Decoded code points past ASCII stand as one marker byte: the
	 * patterns are ASCII. */
	uint8_t c = v < 0x80 ? (uint8_t)v : 0x80;

	if (!is_space(c))
		out[(*o)++] = c;
}

/* Pass 1: whitespace and NULs (UTF-16 text) dropped, comments dropped
 * when strip_comments, escapes, entities and character codes decoded.
 * out has room for n bytes: nothing here grows the text. */
/* Bytes that may start something pass_decode rewrites; every other byte
 * is copied as it is, in a tight loop. */
static bool special[256];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

static void special_build(void)
{
	static const char s[] = " \t\r\n\v\f<%/\\&(cCsS@$";

	for (size_t k = 0; k < sizeof s - 1; k++)
		special[(unsigned char)s[k]] = true;
	special[0] = true;
}

static size_t pass_decode(const uint8_t *p, size_t n, uint8_t *out,
                          uint8_t *gap, bool strip_comments, bool *stripped)
{
	size_t i = 0, o = 0;
	bool no_block_end = false, no_aspx_end = false;

	pthread_once(&special_once, special_build);
	while (i < n) {
		uint8_t c = p[i];
		unsigned v;
		size_t j;

		if (!special[c]) {
			out[o++] = c;
			i++;
			while (i < n && !special[p[i]])
				out[o++] = p[i++];
			continue;
		}
		if (is_space(c)) {
			GAP_SET(gap, o);
			i++;
			continue;
		}
		if (strip_comments && c == '<' && !no_aspx_end &&
		    at_ci(p, n, i, "<%--")) {
			const uint8_t *e = memmem(p + i + 4, n - i - 4, "--%>", 4);
			if (e) {
				*stripped = true;
				i = (size_t)(e - p) + 4;
				continue;
			}
			no_aspx_end = true; /* none later either */
		}
		if (strip_comments && c == '/' && i + 1 < n && p[i + 1] == '*' &&
		    !no_block_end) {
			const uint8_t *e = memmem(p + i + 2, n - i - 2, "*/", 2);
			if (e) {
				*stripped = true;
				i = (size_t)(e - p) + 2;
				continue;
			}
			no_block_end = true;
		}
		if (c == '\\' && i + 3 < n && lc(p[i + 1]) == 'x' &&
		    text_hexval(p[i + 2]) >= 0 && text_hexval(p[i + 3]) >= 0) {
			put_char(out, &o,
			         (unsigned)(text_hexval(p[i + 2]) * 16 +
			                    text_hexval(p[i + 3])));
			i += 4;
			continue;
		}
		if ((c == '\\' || c == '%') && i + 5 < n && lc(p[i + 1]) == 'u' &&
		    text_hexval(p[i + 2]) >= 0 && text_hexval(p[i + 3]) >= 0 &&
		    text_hexval(p[i + 4]) >= 0 && text_hexval(p[i + 5]) >= 0) {
			v = 0;
			for (j = 2; j < 6; j++)
				v = v * 16 + (unsigned)text_hexval(p[i + j]);
			put_char(out, &o, v);
			i += 6;
			continue;
		}
		if (c == '%' && i + 2 < n && text_hexval(p[i + 1]) >= 0 &&
		    text_hexval(p[i + 2]) >= 0) {
			v = (unsigned)(text_hexval(p[i + 1]) * 16 + text_hexval(p[i + 2]));
			if (v >= 0x20 && v < 0x7f) {
				out[o++] = (uint8_t)v;
				i += 3;
				continue;
			}
		}
		if (c == '&' && i + 3 < n && p[i + 1] == '#') {
			size_t k = i + 2;
			bool hex = k < n && lc(p[k]) == 'x';
			v = 0;
			if (hex)
				k++;
			j = k;
			while (k < n && k - j < 7 &&
			       (hex ? text_hexval(p[k]) >= 0
			            : (p[k] >= '0' && p[k] <= '9')))
				v = v * (hex ? 16 : 10) +
				    (unsigned)(hex ? text_hexval(p[k]) : p[k] - '0'),
				k++;
			if (k > j && k < n && p[k] == ';') {
				put_char(out, &o, v);
				i = k + 1;
				continue;
			}
		}
		/* Character codes become one-letter strings, joined later:
		 * (char)99, Chr(99), ChrW(99), Convert.ToChar(99). */
		{
			static const char *const calls[] = {
			    "(char)", "chrw(", "chr(", "convert.tochar(",
			    "char.convertfromutf32(", NULL};
			size_t e = 0;
			int k;
			for (k = 0; calls[k]; k++)
				if (lc(c) == calls[k][0] &&
				    at_ci(p, n, i, calls[k]) &&
				    (e = parse_code(p, n, i + strlen(calls[k]),
				                    &v)) != 0)
					break;
			if (calls[k]) {
				if (calls[k][0] != '(') {
					while (e < n && p[e] == ' ')
						e++;
					if (e < n && p[e] == ')')
						e++;
				}
				out[o++] = '"';
				put_char(out, &o, v);
				out[o++] = '"';
				/* (char)99 is 8+ bytes in, 3 out: never grows. */
				i = e;
				continue;
			}
		}
		/* String.fromCharCode(99,109,100) -> "cmd". */
		if (lc(c) == 's' && at_ci(p, n, i, "string.fromcharcode(")) {
			size_t k = i + 20, e;
			size_t mark = o;
			out[o++] = '"';
			while ((e = parse_code(p, n, k, &v)) != 0) {
				put_char(out, &o, v);
				k = e;
				while (k < n && p[k] == ' ')
					k++;
				if (k < n && p[k] == ',')
					k++;
				else
					break;
			}
			if (k < n && p[k] == ')' && o > mark + 1) {
				out[o++] = '"';
				i = k + 1;
				continue;
			}
			o = mark;
		}
		/* Verbatim and interpolated C# strings read as plain ones. */
		if ((c == '@' || c == '$') && i + 1 < n && p[i + 1] == '"') {
			i++;
			continue;
		}
		/* C#'s verbatim identifiers: @Process.@Start is
		 * Process.Start. Not after '%' ("<%@ Page") nor inside a
		 * word (an address). */
		if (c == '@' && i + 1 < n &&
		    ((unsigned)((p[i + 1] | 32) - 'a') < 26u ||
		     p[i + 1] == '_')) {
			uint8_t b = o ? out[o - 1] : 0;
			if (b != '%' && b != '_' &&
			    (unsigned)((b | 32) - 'a') >= 26u &&
			    (uint8_t)(b - '0') >= 10u && b < 0x80) {
				i++;
				continue;
			}
		}
		out[o++] = c;
		i++;
	}
	return o;
}

/* Pass 2: strings split by concatenation are joined ("cm" + "d",
 * "cm" & "d", String.Concat("cm", "d")), in place. */
/* Writes c at t[o] of a text being compacted in place, with its gap
 * bit: whether whitespace came before it where it was read. */
static void put_byte(uint8_t *t, uint8_t *gap, size_t o, uint8_t c,
                     bool gap_before)
{
	t[o] = c;
	GAP_CLR(gap, o);
	if (gap_before)
		GAP_SET(gap, o);
}

static size_t pass_join(uint8_t *t, uint8_t *gap, size_t n)
{
	size_t i = 0, o = 0;
	bool in_concat = false;

	while (i < n) {
		uint8_t c = t[i];
		if (c != '"' && c != '\'' && c != '(' && c != ')') {
			if (o == i) {
				/* Nothing removed yet: nothing to move. */
				i++;
				o++;
				continue;
			}
		} else if ((c == '"' || c == '\'') && i + 2 < n &&
		           (t[i + 1] == '+' || t[i + 1] == '&') &&
		           (t[i + 2] == '"' || t[i + 2] == '\'')) {
			i += 3;
			continue;
		} else if (in_concat && (c == '"' || c == '\'') && i + 2 < n &&
		           t[i + 1] == ',' &&
		           (t[i + 2] == '"' || t[i + 2] == '\'')) {
			i += 3;
			continue;
		} else if (c == '(') {
			in_concat = i >= 6 && lc(t[i - 1]) == 't' &&
			            at_ci(t, n, i - 6, "concat(");
		} else if (c == ')') {
			in_concat = false;
		}
		if (o != i)
			put_byte(t, gap, o, c, GAP_GET(gap, i));
		o++;
		i++;
	}
	return o;
}

/* A string literal at t[i] (its quote, '"' or '\''): where its text
 * starts and ends (the closing quote); a doubled quote inside is one
 * (VBScript's ""). false when it does not close within the text. */
static bool literal_at(const uint8_t *t, size_t n, size_t i, size_t *s,
                       size_t *e)
{
	uint8_t q = t[i];
	size_t j;

	if (q != '"' && q != '\'')
		return false;
	for (j = i + 1; j < n; j++)
		if (t[j] == q) {
			if (j + 1 < n && t[j + 1] == q) {
				j++;
				continue;
			}
			*s = i + 1;
			*e = j;
			return true;
		}
	return false;
}

/* Writes t[from, to) reversed at t[o] (o <= from: never ahead of what is
 * read; the bytes are saved first as they may overlap). */
static size_t put_reversed(uint8_t *t, uint8_t *gap, size_t o, size_t from,
                           size_t to)
{
	for (size_t a = from, b = to; a + 1 < b; a++, b--) {
		uint8_t c = t[a];
		t[a] = t[b - 1];
		t[b - 1] = c;
	}
	for (size_t k = from; k < to; k++, o++)
		put_byte(t, gap, o, t[k], false);
	return o;
}

/* String functions over literals, folded to the literal they make:
 * StrReverse("llehS.tpircSW") and Replace("WXScrXipt", "X", "") (also
 * "...".Replace("X", "")), the ASP shells' way of hiding a name from a
 * search. In place: a fold never makes the text longer (a Replace that
 * would is left alone). Returns the new length. */
static size_t pass_fold(uint8_t *t, uint8_t *gap, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t s1, e1, s2, e2, s3, e3, at, k;
		bool method = false;

		if ((t[i] | 0x20) == 's' && at_ci(t, n, i, "strreverse(") &&
		    i + 11 < n && literal_at(t, n, i + 11, &s1, &e1) &&
		    e1 + 1 < n && t[e1 + 1] == ')') {
			uint8_t q = t[i + 11];
			put_byte(t, gap, o, q, GAP_GET(gap, i));
			o = put_reversed(t, gap, o + 1, s1, e1);
			put_byte(t, gap, o++, q, false);
			i = e1 + 2;
			continue;
		}
		at = i;
		if ((t[i] | 0x20) == 'r' && at_ci(t, n, i, "replace(") &&
		    (i == 0 || t[i - 1] != '.') && i + 8 < n &&
		    literal_at(t, n, i + 8, &s1, &e1)) {
			at = e1 + 1;
		} else if ((t[i] == '"' || t[i] == '\'') &&
		           literal_at(t, n, i, &s1, &e1) &&
		           at_ci(t, n, e1 + 1, ".replace(")) {
			method = true;
			at = e1 + 9;
		}
		if (at != i &&
		    ((!method && at < n && t[at] == ',' &&
		      literal_at(t, n, at + 1, &s2, &e2)) ||
		     (method && literal_at(t, n, at, &s2, &e2))) &&
		    e2 + 1 < n && t[e2 + 1] == ',' &&
		    literal_at(t, n, e2 + 2, &s3, &e3) && e3 + 1 < n &&
		    t[e3 + 1] == ')' && e2 > s2 && e3 - s3 <= e2 - s2) {
			/* every match of the second text in the first, replaced
			 * by the third, which is no longer: in place */
			uint8_t q = t[s1 - 1];
			size_t from = o;
			put_byte(t, gap, o++, q, GAP_GET(gap, i));
			for (k = s1; k < e1;) {
				if (k + (e2 - s2) <= e1 &&
				    !memcmp(t + k, t + s2, e2 - s2)) {
					memmove(t + o, t + s3, e3 - s3);
					o += e3 - s3;
					k += e2 - s2;
				} else {
					t[o++] = t[k++];
				}
			}
			for (k = from + 1; k < o; k++)
				GAP_CLR(gap, k);
			put_byte(t, gap, o++, q, false);
			i = e3 + 2;
			continue;
		}
		if (o != i)
			put_byte(t, gap, o, t[i], GAP_GET(gap, i));
		o++;
		i++;
	}
	return o;
}

struct feats {
	uint64_t feat;
	uint32_t fileops;
	bool eval_code; /* an eval( that is not the JSON idiom eval("(" + */
};

static void match_text(const uint8_t *t, const uint8_t *gap, size_t n,
                       struct feats *fs);
static int analyse_text(const uint8_t *p, size_t n, int depth,
                        struct feats *fs);

/* Base64 literals are decoded and read as text of their own (the
 * payload of an XSL or eval shell often travels that way, and so does a
 * request source as short as Request.Item["z"]: 24 characters). */
#define B64_MIN 16
static int decode_literals(const uint8_t *t, size_t n, int depth,
                           struct feats *fs)
{
	size_t i = 0;
	uint8_t *dec = NULL;
	int rc = 0;

	while (i < n) {
		const uint8_t *q = memchr(t + i, '"', n - i);
		size_t s, e;
		if (!q)
			break;
		s = (size_t)(q - t) + 1;
		e = s;
		while (e < n && text_b64_digit(t[e], true) >= 0)
			e++;
		while (e < n && t[e] == '=')
			e++;
		if (e < n && t[e] == '"' && e - s >= B64_MIN) {
			size_t m;
			if (!dec && !(dec = malloc(n)))
				return EXH_ENOMEM;
			m = text_b64_decode((struct view){(const char *)t + s, e - s},
			                     true, dec, n, NULL);
			if (m >= 2 && dec[0] == 'M' && dec[1] == 'Z')
				fs->feat |= BIT(F_EMBED_PE);
			else if (m)
				rc = analyse_text(dec, m, depth + 1, fs);
			if (rc)
				break;
			i = e + 1;
		} else {
			i = s;
		}
	}
	free(dec);
	return rc;
}

/* Canonical text of p, in a buffer the caller frees. */
static int canonical(const uint8_t *p, size_t n, bool strip, uint8_t **out,
                     uint8_t **gapp, size_t *len, bool *stripped)
{
	uint8_t *t = malloc(n ? n : 1);
	uint8_t *gap = calloc(n / 8 + 2, 1);
	size_t m = 0, i;

	if (!t || !gap) {
		free(t);
		free(gap);
		return EXH_ENOMEM;
	}
	/* NULs first: UTF-16 text (either order) and wide strings inside
	 * binary containers read as plain text from here on. */
	if (memchr(p, 0, n)) {
		for (i = 0; i < n; i++)
			if (p[i])
				t[m++] = p[i];
		/* In place: pass_decode never writes past what it read. */
		m = pass_decode(t, m, t, gap, strip, stripped);
	} else {
		m = pass_decode(p, n, t, gap, strip, stripped);
	}
	m = pass_join(t, gap, m);
	{
		size_t folded = pass_fold(t, gap, m);
		if (folded != m)
			m = pass_join(t, gap, folded);
	}
	*out = t;
	*gapp = gap;
	*len = m;
	return 0;
}

static void lower_in_place(uint8_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] = (uint8_t)(t[i] + ((uint8_t)(t[i] - 'A') < 26u ? 32 : 0));
}

/* Both readings of the text: comments stripped (defeats eval(...) split
 * ASP.NET comment splitting) and kept (a comment opener inside a string
 * cannot hide the code after it). */
static int analyse_text(const uint8_t *p, size_t n, int depth,
                        struct feats *fs)
{
	int pass, rc = 0;
	bool stripped = false;

	if (depth > 2)
		return 0;
	/* The second reading only matters when the first removed one. */
	for (pass = 0; pass < 2 && !rc && (pass == 0 || stripped); pass++) {
		uint8_t *t, *gap;
		size_t m;
		rc = canonical(p, n, pass == 0, &t, &gap, &m, &stripped);
		if (rc)
			break;
		if (pass == 0)
			rc = decode_literals(t, m, depth, fs);
		lower_in_place(t, m);
		match_text(t, gap, m, fs);
		free(t);
		free(gap);
	}
	return rc;
}

/* Does a request source start within the next span bytes? */
/* What the argument-list checks of one text may still spend. */
struct window_work {
	size_t budget;
	size_t last;     /* the last "request" in the text, or SIZE_MAX */
	bool last_known;
};

/* What follows "request" in a source of a path or URL (REQ_PATH). */
static const char *const req_path[] = {"[",
                                       "(",
                                       ".item",
                                       ".form",
                                       ".querystring",
                                       ".params",
                                       ".headers",
                                       ".cookies",
                                       ".url.",
                                       ".rawurl",
                                       ".pathinfo",
                                       ".unvalidated",
                                       ".useragent",
                                       ".urlreferrer",
                                       NULL};

/* Which request sources request_follows counts. */
enum req_kind {
	REQ_ANY,     /* eval: anything the request carries */
	REQ_CONTENT, /* a file write: what carries content (a log line of
	              * the client's address is not an upload) */
	REQ_PATH,    /* a path or URL: what the caller sets, not the server
	              * variables (APPL_PHYSICAL_PATH is the server's own) */
};

static bool request_follows(const uint8_t *t, const uint8_t *gap, size_t n,
                            size_t at, size_t span, enum req_kind kind,
                            struct window_work *w)
{
	size_t end, i, depth = 1;
	static const char *const any[] = {"[",
	                                  "(",
	                                  ".item",
	                                  ".form",
	                                  ".querystring",
	                                  ".params",
	                                  ".headers",
	                                  ".cookies",
	                                  ".inputstream",
	                                  ".binaryread",
	                                  ".files",
	                                  ".servervariables",
	                                  ".url.",
	                                  ".rawurl",
	                                  ".pathinfo",
	                                  ".unvalidated",
	                                  ".useragent",
	                                  ".urlreferrer",
	                                  ".contenttype",
	                                  NULL};
	static const char *const content[] = {"[",
	                                      "(",
	                                      ".item",
	                                      ".form",
	                                      ".querystring",
	                                      ".params",
	                                      ".inputstream",
	                                      ".binaryread",
	                                      ".files",
	                                      ".unvalidated",
	                                      NULL};
	const char *const *acc = kind == REQ_CONTENT ? content
	                         : kind == REQ_PATH  ? req_path
	                                             : any;

	/* Only inside the call's own arguments: up to its closing bracket.
	 * Each look costs up to span bytes; a text made of nothing but such
	 * calls would cost span times its size, so past a budget of a few
	 * times the text the argument bounds are no longer sought: any
	 * request source after the call counts (such a text is suspect
	 * anyway), and the work stays linear. */
	end = n - at < span ? n : at + span;
	if (w->budget < span) {
		if (!w->last_known) {
			/* Once: the last "request" in the text. */
			const uint8_t *r;
			size_t from = 0;
			w->last = SIZE_MAX;
			while (from < n &&
			       (r = memmem(t + from, n - from, "request", 7))) {
				w->last = (size_t)(r - t);
				from = w->last + 7;
			}
			w->last_known = true;
		}
		return w->last != SIZE_MAX && w->last >= at;
	}
	w->budget -= span;
	for (i = at; i < end; i++) {
		if (t[i] == '(')
			depth++;
		else if (t[i] == ')' && --depth == 0)
			break;
	}
	end = i;
	i = at;
	while (i < end) {
		const uint8_t *r = memmem(t + i, end - i, "request", 7);
		size_t k;
		if (!r)
			return false;
		k = (size_t)(r - t) + 7;
		for (int a = 0; acc[a] && word_start(t, gap, k - 7, true); a++)
			if (at_ci(t, n, k, acc[a]))
				return true;
		i = k;
	}
	return false;
}

/* Whether the call's first argument (at) is a plain name that the text
 * sets from a path source of the request ("f=request.querystring[",
 * whitespace gone): a shell that keeps the request's value in a
 * variable first. Each look reads the whole text once, within the same
 * budget as request_follows. */
static bool arg_from_request(const uint8_t *t, const uint8_t *gap, size_t n,
                             size_t at, struct window_work *w)
{
	char pat[64];
	size_t k = 0, i = at, from = 0;

	while (i < n && k < 40 && ident_byte(t[i]))
		pat[k++] = (char)t[i++];
	if (!k || i >= n || (t[i] != ')' && t[i] != ',') || w->budget < n)
		return false;
	w->budget -= n;
	memcpy(pat + k, "=request", 8);
	k += 8;
	while (from < n) {
		const uint8_t *r = memmem(t + from, n - from, pat, k);
		size_t pos;
		if (!r)
			return false;
		pos = (size_t)(r - t);
		if (word_start(t, gap, pos, false))
			for (int a = 0; req_path[a]; a++)
				if (at_ci(t, n, pos + k, req_path[a]))
					return true;
		from = pos + 1;
	}
	return false;
}

/* Does a quoted document or image extension (".pdf", ".jpg", ...) come
 * within the next 200 bytes? For an upload page's check of what it
 * takes: Path.GetExtension(f.FileName) == ".pdf". */
static bool document_ext_follows(const uint8_t *t, size_t n, size_t at)
{
	static const char *const ext[] = {
	    "pdf", "jpg", "jpeg", "png", "gif", "bmp", "doc", "docx", "xls",
	    "xlsx", "ppt", "pptx", "csv", "txt", "odt", "rtf", "tif", NULL};
	size_t end = n - at < 200 ? n : at + 200, i, k, l;

	for (i = at; i + 3 < end; i++) {
		if ((t[i] != '"' && t[i] != '\'') || t[i + 1] != '.')
			continue;
		for (k = 0; ext[k]; k++) {
			l = strlen(ext[k]);
			if (i + 2 + l < n && !memcmp(t + i + 2, ext[k], l) &&
			    t[i + 2 + l] == t[i])
				return true;
		}
	}
	return false;
}

/* Does a form control's text (x.Text or an HTML input's x.Value, read,
 * not assigned) come within
 * the next 80 bytes, before the statement ends (';', or the call's
 * closing bracket)? For "psi.Arguments = cmd.Text" and
 * "new ProcessStartInfo(path.Text)": a process the visitor names. */
static bool control_text_follows(const uint8_t *t, const uint8_t *gap, size_t n,
                                 size_t at)
{
	size_t end = n - at < 80 ? n : at + 80, i;
	int depth = 1;

	for (i = at; i + 5 <= end; i++) {
		if (t[i] == ';')
			return false;
		if (t[i] == '(')
			depth++;
		else if (t[i] == ')' && --depth == 0)
			return false;
		if (t[i] == '.' &&
		    (!memcmp(t + i + 1, "text", 4) ||
		     (i + 6 <= end && !memcmp(t + i + 1, "value", 5)))) {
			size_t k = i + (t[i + 1] == 't' ? 5 : 6);
			uint8_t c = k < n ? t[k] : 0;
			bool ends = k >= n || GAP_GET(gap, k) || !ident_byte(c);
			bool assigned =
			    c == '=' && (k + 1 >= n || t[k + 1] != '=');
			if (ends && !assigned)
				return true;
		}
	}
	return false;
}

/* Whether a password field is named within PW_SPAN bytes of the
 * canonical text on either side of at: a request field or form control
 * called password, passwd, pwd or pass. The windows looked at, over the
 * whole file, cost at most *budget bytes (linear in the input). */
#define PW_SPAN 600

/* The window [*lo, *hi) of PW_SPAN bytes each side of at, if reading it
 * cost times still fits the budget (then charged); false otherwise. */
static bool near_window(size_t n, size_t at, size_t cost, size_t *budget,
                        size_t *lo, size_t *hi)
{
	*lo = at > PW_SPAN ? at - PW_SPAN : 0;
	*hi = n - at > PW_SPAN ? at + PW_SPAN : n;
	if (*budget / cost < *hi - *lo)
		return false;
	*budget -= cost * (*hi - *lo);
	return true;
}

/* A password field named in the canonical text: a request field or form
 * control called password, passwd, pwd or pass; the password a browser
 * sent for basic authentication (ServerVariables AUTH_PASSWORD). */
static const char *const pw_names[] = {
    "[\"password\"]", "(\"password\")",    "['password']",
    "('password')",   "[\"passwd\"]",      "(\"passwd\")",
    "[\"pwd\"]",      "(\"pwd\")",         "[\"pass\"]",
    "(\"pass\")",     "password.text",     "pass.text",
    "password.value", "\"auth_password\"", NULL};

static bool password_near(const uint8_t *t, size_t n, size_t at, size_t *budget)
{
	const char *const *names = pw_names;
	size_t lo, hi, k;

	if (!near_window(n, at, 1, budget, &lo, &hi))
		return false;
	for (k = 0; names[k]; k++)
		if (memmem(t + lo, hi - lo, names[k], strlen(names[k])))
			return true;
	return false;
}

/* Variables the text sets from a password field ("p=request.form
 * [\"password\"]"), and those set from one of them in turn (one step
 * more: "data=u+\":\"+p"), found once per text. */
#define PW_VARS 8
struct pw_vars {
	bool known;
	bool named; /* the text names a password field at all */
	int n;
	size_t len[PW_VARS];
	char name[PW_VARS][41];
};

/* Whether t[at, at + len) is a whole name: no identifier byte joined on
 * either side (a gap where whitespace was separates). */
static bool whole_name(const uint8_t *t, const uint8_t *gap, size_t n,
                       size_t at, size_t len)
{
	return (at == 0 || !ident_byte(t[at - 1]) || GAP_GET(gap, at)) &&
	       (at + len >= n || !ident_byte(t[at + len]) ||
	        GAP_GET(gap, at + len));
}

/* Whether the value assigned from t[from] on still carries what lies at
 * at: every call between is one that passes its text on (encoding,
 * joining, formatting); "ok=ctx.ValidateCredentials(u,p)" keeps only a
 * yes or no. A bracket after no name is grouping or a cast. */
static bool carries_value(const uint8_t *t, size_t from, size_t at)
{
	static const char *const pass_on[] = {"tobase64string",
	                                      "getbytes",
	                                      "getstring",
	                                      "concat",
	                                      "format",
	                                      "join",
	                                      "urlencode",
	                                      "htmlencode",
	                                      "replace",
	                                      "tostring",
	                                      "trim",
	                                      "tolower",
	                                      "toupper",
	                                      "tolowerinvariant",
	                                      "toupperinvariant",
	                                      "substring",
	                                      "encode",
	                                      "encrypt",
	                                      "reverse",
	                                      "tochararray",
	                                      "string",
	                                      "escapedatastring",
	                                      "append",
	                                      "cstr",
	                                      "trimend",
	                                      "trimstart",
	                                      "padleft",
	                                      "padright",
	                                      "insert",
	                                      "normalize",
	                                      NULL};
	size_t i;

	for (i = from; i < at; i++) {
		size_t s = i;
		int k;
		if (t[i] != '(')
			continue;
		while (s > from && ident_byte(t[s - 1]))
			s--;
		if (s == i)
			continue;
		for (k = 0; pass_on[k]; k++)
			if (strlen(pass_on[k]) == i - s &&
			    !memcmp(t + s, pass_on[k], i - s))
				break;
		if (!pass_on[k])
			return false;
	}
	return true;
}

/* The variable assigned by the statement that holds position at: looked
 * for back to the statement's start, at most 160 bytes. */
static void pw_var_add(const uint8_t *t, const uint8_t *gap, size_t at,
                       struct pw_vars *v)
{
	size_t i = at, lim = at > 160 ? at - 160 : 0, end, start;

	while (i > lim) {
		uint8_t c = t[--i];
		if (c == ';' || c == '{' || c == '}')
			return;
		if (c != '=' || (i > 0 && strchr("=!<>", t[i - 1])) ||
		    (i + 1 < at && t[i + 1] == '='))
			continue;
		if (!carries_value(t, i + 1, at))
			return;
		end = i;
		if (end > 0 && (t[end - 1] == '+' || t[end - 1] == '&'))
			end--;
		start = end;
		while (start > 0 && ident_byte(t[start - 1]) &&
		       end - start < 40) {
			start--;
			if (GAP_GET(gap, start))
				break; /* whitespace came before it */
		}
		if (start == end || (t[start] >= '0' && t[start] <= '9'))
			return;
		for (int k = 0; k < v->n; k++)
			if (v->len[k] == end - start &&
			    !memcmp(v->name[k], t + start, end - start))
				return;
		if (v->n < PW_VARS) {
			memcpy(v->name[v->n], t + start, end - start);
			v->name[v->n][end - start] = '\0';
			v->len[v->n++] = end - start;
		}
		return;
	}
}

static void pw_vars_find(const uint8_t *t, const uint8_t *gap, size_t n,
                         struct pw_vars *v)
{
	/* each look back reads up to 160 bytes (and its calls as many):
	 * a text made of nothing but names stops being looked at past a
	 * few times its size */
	size_t budget = 4 * n + 4096;
	int k, first;

	v->known = true;
	/* every field name holds "pass" or "pwd": most texts hold neither */
	if (!memmem(t, n, "pass", 4) && !memmem(t, n, "pwd", 3))
		return;
	for (k = 0; pw_names[k]; k++) {
		const uint8_t *r;
		size_t from = 0, len = strlen(pw_names[k]);
		while (from < n && budget >= 320 &&
		       (r = memmem(t + from, n - from, pw_names[k], len))) {
			budget -= 320;
			v->named = true;
			pw_var_add(t, gap, (size_t)(r - t), v);
			from = (size_t)(r - t) + len;
		}
	}
	first = v->n;
	for (k = 0; k < first; k++) {
		const uint8_t *r;
		size_t from = 0;
		while (
		    from < n && budget >= 320 &&
		    (r = memmem(t + from, n - from, v->name[k], v->len[k]))) {
			size_t at = (size_t)(r - t);
			if (whole_name(t, gap, n, at, v->len[k])) {
				budget -= 320;
				pw_var_add(t, gap, at, v);
			}
			from = at + v->len[k];
		}
	}
}

/* Whether the statement or call starting at at (up to its ';' outside a
 * string, at most 240 bytes) carries a password: a password field, or a
 * variable set from one. On the budget of password_near. */
static bool password_in_stmt(const uint8_t *t, const uint8_t *gap, size_t n,
                             size_t at, size_t *budget, struct pw_vars *v)
{
	size_t end = n - at < 240 ? n : at + 240, i, cost;
	bool str = false;

	if (!v->known) {
		if (*budget < 16 * n)
			return false;
		*budget -= 16 * n;
		pw_vars_find(t, gap, n, v);
	}
	if (!v->named)
		return false; /* no field, so no variable set from one */
	for (i = at; i < end; i++) {
		if (t[i] == '\\' && str)
			i++;
		else if (t[i] == '"')
			str = !str;
		else if (t[i] == ';' && !str)
			break;
	}
	end = i < end ? i : end;
	cost = (size_t)(14 + v->n) * (end - at);
	if (*budget < cost)
		return false;
	*budget -= cost;
	if (memmem(t + at, end - at, "pass", 4) ||
	    memmem(t + at, end - at, "pwd", 3))
		for (int k = 0; pw_names[k]; k++)
			if (memmem(t + at, end - at, pw_names[k],
			           strlen(pw_names[k])))
				return true;
	for (int k = 0; k < v->n; k++) {
		const uint8_t *r;
		size_t from = at;
		while (from < end && (r = memmem(t + from, end - from,
		                                 v->name[k], v->len[k]))) {
			if (whole_name(t, gap, n, (size_t)(r - t), v->len[k]))
				return true;
			from = (size_t)(r - t) + 1;
		}
	}
	return false;
}

/* Whether browser script near at reads a password box's value and names
 * an absolute URL (another site): within PW_SPAN bytes on either side,
 * on the same budget as password_near. */
static bool password_box_near(const uint8_t *t, size_t n, size_t at,
                              size_t *budget)
{
	static const char *const boxes[] = {
	    "(\"password\").value", "('password').value",
	    "password.value",       "[name=password]",
	    "[name=\"password\"]",  "[type=password]",
	    "[type=\"password\"]",  NULL};
	static const char *const urls[] = {
	    "\"http://", "\"https://", "'http://", "'https://",
	    "\"//",      "'//",        NULL};
	bool box = false, url = false;
	size_t lo, hi, k;

	/* two searches over the window: twice its cost */
	if (!near_window(n, at, 2, budget, &lo, &hi))
		return false;
	for (k = 0; boxes[k] && !box; k++)
		box = memmem(t + lo, hi - lo, boxes[k], strlen(boxes[k]));
	for (k = 0; urls[k] && box && !url; k++)
		url = memmem(t + lo, hi - lo, urls[k], strlen(urls[k]));
	return box && url;
}

/* Whether the call's arguments at at (up to 160 bytes, to its closing
 * bracket) name a folder where payloads are dropped, outside any site:
 * the temporary folders, ProgramData, a profile's AppData, Public. */
static bool names_drop_folder(const uint8_t *t, size_t n, size_t at)
{
	static const char *const dirs[] = {
	    "programdata",   "\\temp\\", "\\tmp\\",      "appdata",
	    "users\\public", "perflogs", "$recycle.bin", NULL};
	size_t end = n - at < 160 ? n : at + 160, i, depth = 1;
	uint8_t flat[160];
	size_t m = 0;

	/* "\\" in a C# string is one backslash */
	for (i = at; i < end; i++) {
		if (t[i] == '(')
			depth++;
		else if (t[i] == ')' && --depth == 0)
			break;
		if (t[i] == '\\' && m && flat[m - 1] == '\\' && i > at &&
		    t[i - 1] == '\\')
			continue;
		flat[m++] = t[i];
	}
	for (int k = 0; dirs[k]; k++)
		if (memmem(flat, m, dirs[k], strlen(dirs[k])))
			return true;
	return false;
}

/* Whether the text reaches IIS's configuration: Microsoft.Web.
 * Administration's ServerManager, or ADSI's IIS:// paths (a directory
 * entry's CommitChanges is as often Active Directory's, a password
 * page's). */
static bool names_iis_config(const uint8_t *t, size_t n)
{
	static const char *const names[] = {
	    "servermanager(", "getapplicationhostconfiguration(", "\"iis://",
	    NULL};

	for (int k = 0; names[k]; k++)
		if (memmem(t, n, names[k], strlen(names[k])))
			return true;
	return false;
}

/* Whether a string literal comes before the first "request" in the
 * call's arguments at at (a type name with a fixed prefix). */
static bool literal_first(const uint8_t *t, size_t n, size_t at)
{
	size_t end = n - at < 240 ? n : at + 240;
	const uint8_t *r = memmem(t + at, end - at, "request", 7);

	return !r || memchr(t + at, '"', (size_t)(r - t) - at);
}

static void match_text(const uint8_t *t, const uint8_t *gap, size_t n,
                       struct feats *fs)
{
	size_t i;
	struct window_work work = {8 * n + 4096, SIZE_MAX, false};
	size_t pw_budget = 24 * n + 4096;
	struct pw_vars pwv = {false, false, 0, {0}, {{0}}};
	int iis = -1; /* names_iis_config, once a window */

	pthread_once(&table_once, table_build);
	if (n < 2)
		return;
	for (i = 0; i + 1 < n; i++) {
		unsigned b = ((unsigned)t[i] << 8) | t[i + 1];
		unsigned k;

		if (!((bucket_used[b >> 6] >> (b & 63)) & 1))
			continue;
		for (k = bucket_start[b]; k < bucket_start[b + 1]; k++) {
			const struct pat *pt = &pats[bucket_list[k]];
			size_t len = pat_len[bucket_list[k]];
			/* The bucket vouches for the first two bytes. */
			if (n - i < len ||
			    (len > 2 && (t[i + 2] != (uint8_t)pt->s[2] ||
			                 memcmp(t + i + 3, pt->s + 3, len - 3))))
				continue;
			if (needs_word_start(pt->s) &&
			    !word_start(t, gap, i, pt->s[0] == 'r'))
				continue;
			/* "execute request": the words were apart */
			if (pt->feat == F_EVAL_REQ && !GAP_GET(gap, i + len - 7))
				continue;
			if (pt->window == 5) {
				if (pt->feat < 0)
					fs->fileops |= 1u << pt->fileop;
				if ((request_follows(t, gap, n, i + len, 240,
				                     REQ_PATH, &work) &&
				     (pt->feat != F_TYPE_REQ ||
				      !literal_first(t, n, i + len))) ||
				    arg_from_request(t, gap, n, i + len, &work))
					fs->feat |=
					    BIT(pt->feat < 0 ? F_FILEPATH_REQ
					                     : pt->feat);
				continue;
			}
			if (pt->window == 8) {
				if (document_ext_follows(t, n, i + len))
					fs->feat |= BIT(pt->feat);
				continue;
			}
			if (pt->window == 9) {
				if (iis < 0)
					iis = names_iis_config(t, n);
				if (iis)
					fs->feat |= BIT(pt->feat);
				continue;
			}
			if (pt->feat >= 0)
				fs->feat |= BIT(pt->feat);
			else
				fs->fileops |= 1u << pt->fileop;
			/* eval("(" + text + ")"): how JScript pages parsed JSON
			 * before JSON.parse, not code taken from anywhere */
			if (pt->feat == F_EVAL &&
			    !(i + len + 4 <= n &&
			      (t[i + len] == '"' || t[i + len] == '\'') &&
			      t[i + len + 1] == '(' &&
			      t[i + len + 2] == t[i + len] && t[i + len + 3] == '+'))
				fs->eval_code = true;
			if (pt->window == 2) {
				if (control_text_follows(t, gap, n, i + len))
					fs->feat |= BIT(F_PROC_CTRL);
				continue;
			}
			/* a password named near, or carried in the call
			 * however far its field was read */
			if ((pt->window == 3 ||
			     (pt->window == 1 && pt->feat < 0)) &&
			    (password_near(t, n, i, &pw_budget) ||
			     password_in_stmt(t, gap, n, i, &pw_budget, &pwv)))
				fs->feat |= BIT(F_CRED_OUT);
			if (pt->window == 4 &&
			    password_box_near(t, n, i, &pw_budget))
				fs->feat |= BIT(F_CRED_BEACON);
			if (pt->window == 7 && names_drop_folder(t, n, i + len))
				fs->feat |= BIT(F_ASM_DROPPED);
			if (pt->window == 6 &&
			    password_in_stmt(t, gap, n, i, &pw_budget, &pwv))
				fs->feat |= BIT(F_CRED_OUT);
			if (pt->window >= 3)
				continue;
			if (pt->window &&
			    (request_follows(t, gap, n, i + len, 240,
			                     pt->feat != F_EVAL ? REQ_CONTENT
			                                        : REQ_ANY,
			                     &work) ||
			     (pt->feat == F_EVAL &&
			      arg_from_request(t, gap, n, i + len, &work))))
				fs->feat |= BIT(pt->feat == F_EVAL
				                    ? F_EVAL_REQ
				                    : F_FILEWRITE_REQ);
		}
	}
}

/* --- Feeding and judging -------------------------------------------- */

/* Whether p names "password" in any case: a look at each 'w' or 'W'
 * (memchr, rare in most text), where view_find_ci would stop at every
 * 'p'. */
static bool names_password(const uint8_t *p, size_t n)
{
	static const char word[] = "password";
	int k;

	for (k = 0; k < 2; k++) {
		const uint8_t *q = p, *end = p + n;
		while ((q = memchr(q, k ? 'W' : 'w', (size_t)(end - q)))) {
			size_t at = (size_t)(q - p);
			if (at >= 4 && n - at >= 4) {
				size_t i;
				for (i = 0; i < 8; i++)
					if ((p[at - 4 + i] | 0x20) != word[i])
						break;
				if (i == 8)
					return true;
			}
			q++;
		}
	}
	return false;
}

static bool ci_find(const uint8_t *p, size_t n, const char *w)
{
	return view_find_ci((struct view){(const char *)p, n}, view_of(w)) >= 0;
}

/* How many security products' programs server code names: a page that
 * looks for them is an intruder's check of what watches the server
 * (Volexity's SecChecker looked for FireEye's and CrowdStrike's). */
static int edr_names(const uint8_t *p, size_t n)
{
	static const char *const progs[] = {
	    "xagt.exe",         "csfalconservice.exe", "csagent",
	    "cb.exe",           "repmgr.exe",          "sentinelagent.exe",
	    "cylancesvc.exe",   "mssense.exe",         "sensecncproxy.exe",
	    "msmpeng.exe",      "ekrn.exe",            "savservice.exe",
	    "sophosfilescanner", "ntrtscan.exe",       "tmbmsrv.exe",
	    "mcshield.exe",     "elastic-agent.exe",   "taniumclient.exe",
	    "cyserver.exe",     "cytray.exe",          "bdservicehost.exe",
	    "avp.exe",          NULL};
	int k, found = 0;

	for (k = 0; progs[k]; k++)
		found += ci_find(p, n, progs[k]);
	return found;
}

/* The server-side code of a page: what ASP.NET and classic ASP execute.
 * <% %> blocks (with <%-- --%> comments inside them dropped), <script
 * runat=server> tags and their bodies, and the tags of server controls
 * (a posted-back text box is a source). HTML text and client-side script
 * are left out: they cannot run on the server, and leaving them out keeps
 * the analysis to the code however large the page. Each '<' is looked at
 * once: a tag is only what lies between it and the next '>' with no other
 * '<' between. Returns the length written to out (room for n + n/2 + 16:
 * one separator per region, and every region is at least two bytes). */
static size_t extract_code(const uint8_t *p, size_t n, uint8_t *out,
                           uint64_t *feat)
{
	size_t i = 0, o = 0;
	/* The next '>' at or after a place, sought again only once passed:
	 * "<a<a<a..." with no '>' costs one search, not one per '<'. */
	size_t next_gt = 0;
	bool gt_known = false;

	while (i < n) {
		const uint8_t *q = memchr(p + i, '<', n - i);
		size_t j, e;
		if (!q)
			break;
		j = (size_t)(q - p);
		if (j + 1 < n && p[j + 1] == '%') {
			if (j + 3 < n && p[j + 2] == '-' && p[j + 3] == '-') {
				const uint8_t *c =
				    memmem(p + j + 4, n - j - 4, "--%>", 4);
				i = c ? (size_t)(c - p) + 4 : n;
				continue;
			}
			*feat |= BIT(F_SERVER);
			/* Copy to the closing %>, dropping inner comments. */
			e = j;
			while (e < n) {
				if (p[e] == '%' && e + 1 < n && p[e + 1] == '>' &&
				    e > j + 1) {
					out[o++] = '%';
					out[o++] = '>';
					e += 2;
					break;
				}
				if (p[e] == '<' && e + 3 < n && p[e + 1] == '%' &&
				    p[e + 2] == '-' && p[e + 3] == '-' && e > j) {
					const uint8_t *c = memmem(
					    p + e + 4, n - e - 4, "--%>", 4);
					e = c ? (size_t)(c - p) + 4 : n;
					continue;
				}
				out[o++] = p[e++];
			}
			out[o++] = '\n';
			i = e;
			continue;
		}
		if (j + 1 >= n ||
		    !((p[j + 1] | 32) >= 'a' && (p[j + 1] | 32) <= 'z')) {
			i = j + 1;
			continue;
		}
		{
			const uint8_t *gt, *lt2;
			size_t end;
			if (!gt_known || (next_gt != SIZE_MAX && next_gt < j)) {
				const uint8_t *x = memchr(p + j, '>', n - j);
				next_gt = x ? (size_t)(x - p) : SIZE_MAX;
				gt_known = true;
			}
			gt = next_gt == SIZE_MAX ? NULL : p + next_gt;
			end = gt ? (size_t)(gt - p) : n;
			bool script;
			lt2 = memchr(p + j + 1, '<', end - j - 1);
			if (lt2) { /* not a tag: resume at the inner '<' */
				i = (size_t)(lt2 - p);
				continue;
			}
			script = at_ci(p, n, j, "<script");
			if (!gt || !ci_find(p + j, end - j, "runat")) {
				i = end < n ? end + 1 : n;
				if (script) { /* client-side: its body too */
					size_t k;
					for (k = i; k + 8 <= n; k++)
						if (p[k] == '<' &&
						    at_ci(p, n, k, "</script"))
							break;
					i = k + 8 <= n ? k : n;
				}
				continue;
			}
			*feat |= BIT(F_SERVER);
			memcpy(out + o, p + j, end + 1 - j);
			o += end + 1 - j;
			i = end + 1;
			if (script) {
				*feat |= BIT(F_SCRIPTTAG);
				e = i;
				while (e < n && !(p[e] == '<' &&
				                  at_ci(p, n, e, "</script")))
					out[o++] = p[e++];
				i = e;
			}
			out[o++] = '\n';
		}
	}
	return o;
}

/* The value of attribute name (lower case, with its '=' and quote, as
 * "path=\"") inside the element p[from..to), or an empty view. */
static struct view attr_in(const uint8_t *p, size_t from, size_t to,
                           const char *name)
{
	size_t k = strlen(name), i, e;

	for (i = from + 1; i + k < to; i++) {
		if (!(p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == '\n' ||
		      p[i - 1] == '\r') ||
		    !at_ci(p, to, i, name))
			continue;
		for (e = i + k; e < to && p[e] != '"'; e++)
			;
		return (struct view){(const char *)p + i + k, e - i - k};
	}
	return (struct view){NULL, 0};
}

/* A handler or module registered in a .config (<handlers>, <modules>,
 * <httpHandlers>, <httpModules>) whose type is not .NET's or Microsoft's
 * own: a web.config that makes IIS run code the attacker dropped. The
 * first such type is copied to type. */
static bool foreign_handler(const uint8_t *p, size_t n, char *type,
                            size_t cap)
{
	static const char *const opens[] = {"<handlers", "<httphandlers",
	                                    "<modules", "<httpmodules", NULL};
	size_t i = 0;

	while (i < n) {
		const uint8_t *q = memchr(p + i, '<', n - i);
		size_t j, end;
		int k;
		if (!q)
			return false;
		j = (size_t)(q - p);
		for (k = 0; opens[k]; k++)
			if (at_ci(p, n, j, opens[k]))
				break;
		if (!opens[k]) {
			i = j + 1;
			continue;
		}
		/* The section runs to its closing tag. */
		for (end = j + 1; end + 2 < n; end++)
			if (p[end] == '<' && p[end + 1] == '/')
				if (at_ci(p, n, end + 2, opens[k] + 1))
					break;
		/* Every type="..." in the section, one after another. */
		for (i = j;;) {
			struct view v = attr_in(p, i, end, "type=\"");
			if (!v.p)
				break;
			i = (size_t)((const uint8_t *)v.p - p) + v.len;
			if (!v.len || view_starts_ci(v, view_of("system.")) ||
			    view_starts_ci(v, view_of("microsoft.")))
				continue;
			snprintf(type, cap, "%.*s",
			         (int)(v.len > 120 ? 120 : v.len), v.p);
			return true;
		}
		i = end + 1;
	}
	return false;
}

/* Is ext (what follows the last '.' of a mapped path, or the whole path
 * when it has none) one ASP.NET or ASP serves as code anyway? */
static bool script_ext(struct view path)
{
	static const char *const ext[] = {
	    "aspx", "ascx",  "ashx",   "asmx",  "axd",     "svc",
	    "asp",  "asa",   "master", "xamlx", "cshtml",  "vbhtml",
	    "cshtm", "vbhtm", "rem",   "soap",  "xoml",    "asax",
	    "aspq", "rules", "sitemap", "browser", "skin", "resx",
	    /* IIS's own defaults: ASP serves certificates and .cdx */
	    "cer",  "cdx",   NULL};
	size_t i = path.len;

	while (i > 0 && path.p[i - 1] != '.' && path.p[i - 1] != '/' &&
	       path.p[i - 1] != '*')
		i--;
	if (i == 0 || path.p[i - 1] != '.')
		return false; /* "*", "x": no extension of its own */
	for (int k = 0; ext[k]; k++)
		if (view_eq_ci((struct view){path.p + i, path.len - i},
		               view_of(ext[k])))
			return true;
	return false;
}

/* A .config that makes files of another kind run as code: a handler of
 * ASP.NET's page, handler or service factories (or ASP's or ASP.NET's
 * ISAPI script processor) on a path that is not a script's ("*.jpg",
 * "logo.gif", "*"), or a build provider for such an extension. The
 * shell then hides in an image or a text file. *what says which. */
static bool config_maps_script(const uint8_t *p, size_t n, char *what,
                               size_t cap)
{
	static const char *const runners[] = {
	    "pagehandlerfactory", "simplehandlerfactory",
	    "webservicehandlerfactory", "pagebuildprovider",
	    "webhandlerbuildprovider", "webservicebuildprovider",
	    "asp.dll", "aspnet_isapi.dll", NULL};
	size_t i = 0;

	while (i < n) {
		const uint8_t *q = memchr(p + i, '<', n - i);
		size_t j, end;
		struct view path, type, proc;
		bool runs = false;
		if (!q)
			return false;
		j = (size_t)(q - p);
		i = j + 1;
		if (!at_ci(p, n, j, "<add"))
			continue;
		for (end = j + 4; end < n && p[end] != '>'; end++)
			;
		path = attr_in(p, j, end, "path=\"");
		if (!path.len)
			path = attr_in(p, j, end, "extension=\"");
		type = attr_in(p, j, end, "type=\"");
		proc = attr_in(p, j, end, "scriptprocessor=\"");
		for (int k = 0; runners[k] && !runs; k++)
			runs = view_find_ci(type, view_of(runners[k])) >= 0 ||
			       view_find_ci(proc, view_of(runners[k])) >= 0;
		if (runs && path.len && !script_ext(path)) {
			snprintf(what, cap, "%.*s",
			         (int)(path.len > 100 ? 100 : path.len), path.p);
			return true;
		}
		i = end;
	}
	return false;
}

/* File types whose whole text is code (handlers, services, Razor,
 * configuration). */
static bool whole_code(const char *name)
{
	static const char *const ext[] = {".ashx", ".asmx", ".svc", ".cs",
	                                  ".vb", ".cshtml", ".vbhtml",
	                                  ".config", ".xamlx", ".soap",
	                                  ".rem", ".xoml", NULL};
	size_t n = name ? strlen(name) : 0;

	for (int k = 0; ext[k]; k++) {
		size_t l = strlen(ext[k]);
		if (n >= l && !strcmp(name + n - l, ext[k]))
			return true;
	}
	return false;
}

void script_scan_init(struct script_scan *s, const char *lower_name)
{
	size_t k = lower_name ? strlen(lower_name) : 0;

	memset(s, 0, sizeof *s);
	s->is_config = k >= 7 && strcmp(lower_name + k - 7, ".config") == 0;
	s->whole = whole_code(lower_name);
	s->is_ssi = (k >= 4 && strcmp(lower_name + k - 4, ".stm") == 0) ||
	            (k >= 5 && strcmp(lower_name + k - 5, ".shtm") == 0) ||
	            (k >= 6 && strcmp(lower_name + k - 6, ".shtml") == 0);
}

/* Whether p holds an include directive that runs a command: "<!--",
 * then "#exec" and "cmd" with any whitespace between (IIS's SSI runs
 * it with the worker's rights; "cgi" names a program, not this). */
static bool ssi_exec(const uint8_t *p, size_t n)
{
	size_t from = 0;

	while (from < n) {
		ptrdiff_t at = view_find_ci(
		    (struct view){(const char *)p + from, n - from},
		    view_of("#exec"));
		size_t i, j;
		if (at < 0)
			return false;
		i = from + (size_t)at;
		from = i + 5;
		for (j = i; j > 0 && is_space(p[j - 1]) && i - j < 16; j--)
			;
		if (j < 4 || memcmp(p + j - 4, "<!--", 4))
			continue;
		for (j = i + 5; j < n && is_space(p[j]) && j - i < 32; j++)
			;
		if (j + 3 <= n && lc(p[j]) == 'c' && lc(p[j + 1]) == 'm' &&
		    lc(p[j + 2]) == 'd')
			return true;
	}
	return false;
}

/* Microsoft's Script Encoder ("#@~^" and the length in Base64): classic
 * ASP runs such a block, and WSH a .vbe or .jse. Each well-formed block
 * of code[0..m) is replaced by its text (screnc.c), which is then read
 * like any other; a block left that does not decode (its checksum
 * wrong, or cut by the window's edge) marks the code as encoded, not
 * read. Returns the new length. */
static size_t decode_blocks(struct script_scan *s, uint8_t *code, size_t m,
                            struct feats *fs)
{
	struct screnc_count count = {0, 0};
	const uint8_t *e;
	size_t at;

	if (m < 12 || !memmem(code, m, "#@~^", 4))
		return m;
	m = screnc_decode(code, m, &count);
	s->decoded += count.decoded;
	e = m >= 12 ? memmem(code, m, "#@~^", 4) : NULL;
	at = e ? (size_t)(e - code) : 0;
	if (e && m - at >= 12 && code[at + 10] == '=' && code[at + 11] == '=')
		fs->feat |= BIT(F_ENCODED);
	return m;
}

int script_scan_feed(struct script_scan *s, const uint8_t *p, size_t n)
{
	struct feats fs = {0, 0, false};
	uint8_t *flat = NULL, *code = NULL;
	size_t m = 0, i;
	int rc = 0;

	if (!s->first_done) {
		s->first_done = true;
		if (n >= 4 && memcmp(p, "!BDN", 4) == 0)
			s->container = CONT_PST;
		else if (n >= 2 && p[0] == 0x30 && p[1] == 0x82)
			s->container = CONT_DER;
	}
	if (memchr(p, 0, n)) {
		if (!(flat = malloc(n ? n : 1)))
			return EXH_ENOMEM;
		for (i = 0; i < n; i++)
			if (p[i])
				flat[m++] = p[i];
		p = flat;
		n = m;
	}
	if (s->is_config && foreign_handler(p, n, s->handler_type,
	                                    sizeof s->handler_type))
		fs.feat |= BIT(F_HANDLER);
	if (s->is_config &&
	    config_maps_script(p, n, s->mapped, sizeof s->mapped))
		fs.feat |= BIT(F_CONFIG_MAP);
	if (s->is_ssi && ssi_exec(p, n))
		fs.feat |= BIT(F_SSI_EXEC);
	if (s->whole && memmem(p, n, "#@~^", 4)) {
		/* Code read whole that holds encoded blocks: read as
		 * decoded, where they decode */
		if (!(code = malloc(n))) {
			rc = EXH_ENOMEM;
			goto out;
		}
		memcpy(code, p, n);
		m = decode_blocks(s, code, n, &fs);
		p = code;
		n = m;
	}
	if (s->whole) {
		rc = analyse_text(p, n, 0, &fs);
		if (!s->is_config)
			fs.feat |= BIT(F_SERVER);
		goto out;
	}
	if (!(code = malloc(n + n / 2 + 16))) {
		rc = EXH_ENOMEM;
		goto out;
	}
	m = extract_code(p, n, code, &fs.feat);
	m = decode_blocks(s, code, m, &fs);
	if (m && memmem(code, m, ".exe", 4) && edr_names(code, m) >= 2)
		fs.feat |= BIT(F_EDR_PROBE);
	if (m)
		rc = analyse_text(code, m, 0, &fs);
	/* Browser script (a .js file, a page's own <script>) is read whole
	 * only when it names a password and a way to send: a keylogger
	 * added to a logon page (F_CRED_BEACON, nothing else taken). */
	if (!rc && names_password(p, n) &&
	    (ci_find(p, n, "xmlhttprequest") || ci_find(p, n, "fetch(") ||
	     ci_find(p, n, "sendbeacon") || ci_find(p, n, "image("))) {
		struct feats cf = {0, 0, false};
		rc = analyse_text(p, n, 0, &cf);
		fs.feat |= cf.feat & BIT(F_CRED_BEACON);
	}
	/* The OAB dump's properties lie outside the script. */
	if ((fs.feat & BIT(F_SCRIPTTAG)) && ci_find(p, n, "externalurl") &&
	    (ci_find(p, n, "internalauthenticationmethods") ||
	     ci_find(p, n, "offlineaddressbooks") ||
	     ci_find(p, n, "extendedprotectiontokenchecking")))
		fs.feat |= BIT(F_EXTURL) | BIT(F_OABPROP);
out:
	free(flat);
	free(code);
	s->feat |= fs.feat;
	s->fileops |= fs.fileops;
	s->eval_code |= fs.eval_code;
	return rc;
}

static unsigned popcount32(uint32_t x)
{
	unsigned c = 0;

	for (; x; x &= x - 1)
		c++;
	return c;
}

#define HAS(f) ((s->feat & BIT(f)) != 0)
/* The file operations that write (their indices in the table above):
 * SaveAs, WriteAllBytes, WriteAllText, StreamWriter, FileStream,
 * OpenWrite/Create, CreateTextFile. */
#define WRITE_OPS                                                          \
	((1u << 9) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) |  \
	 (1u << 17) | (1u << 20))

void script_scan_judge(const struct script_scan *s, struct script_result *r)
{
	bool srv = HAS(F_SERVER);
	bool src = HAS(F_REQ) || HAS(F_REQ_VAR) || HAS(F_REQ_RAW) ||
	           HAS(F_REQ_HDR) || HAS(F_REQFILES) ||
	           (HAS(F_TEXTBOX) && HAS(F_TEXT)) || HAS(F_STDIN);
	unsigned ops = popcount32(s->fileops);
	const char *what = NULL;
	enum shell_family fam = SF_NONE;

	memset(r, 0, sizeof *r);
	r->server_side = srv;
	if (s->is_config && (srv || (HAS(F_CONFIG_EXEC) && HAS(F_SCRIPTPROC)) ||
	                     HAS(F_CONFIG_UNHIDE))) {
		fam = SF_CONFIG;
		what = srv ? "web.config carrying server-side script"
		           : "web.config that makes .config files run as script";
	} else if (s->is_config && HAS(F_CONFIG_MAP)) {
		fam = SF_CONFIG;
		snprintf(r->what, sizeof r->what,
		         "web.config that makes files other than scripts run as "
		         "ASP.NET or ASP code: %.100s",
		         s->mapped);
	} else if (s->is_config && HAS(F_HANDLER)) {
		fam = SF_CONFIG;
		snprintf(r->what, sizeof r->what,
		         "web.config registering a handler or module of a type "
		         "that is not .NET's or Microsoft's: %.100s",
		         s->handler_type);
	} else if (srv && HAS(F_SCRIPTTAG) && HAS(F_EXTURL) && HAS(F_OABPROP)) {
		fam = SF_OAB_DUMP;
		what = "OAB virtual-directory settings dumped to a page with a "
		       "server script in ExternalUrl (CVE-2021-27065 drop)";
	} else if (srv && (HAS(F_EVAL_REQ) || (HAS(F_EVAL) && HAS(F_UNSAFE)) ||
	                   (HAS(F_EVAL) && s->eval_code && HAS(F_JSCRIPT) &&
	                    src) ||
	                   /* eval's "unsafe" mode, however eval is
	                    * reached (this[k + l](..., "unsafe")) */
	                   (HAS(F_UNSAFE) && HAS(F_JSCRIPT) && src))) {
		fam = SF_CHOPPER;
		what = "China Chopper style: server-side eval of request data";
	} else if (srv && HAS(F_EVAL) && HAS(F_XOR) && src &&
	           (HAS(F_REQ_RAW) || HAS(F_SESSION))) {
		fam = SF_CHOPPER;
		what = "decodes request data with XOR and runs it as script, "
		       "the body read raw or the code kept in the session "
		       "(Behinder's and Godzilla's classic ASP shells)";
	} else if (srv && HAS(F_ASMLOAD) &&
	           (src || HAS(F_SESSION)) &&
	           (HAS(F_CRYPTO) || HAS(F_XOR))) {
		fam = SF_LOADER;
		what = "memory loader (Godzilla/Behinder style): decrypts "
		       "request bytes and loads them as an assembly";
	} else if (srv && HAS(F_DESER) && src) {
		fam = SF_LOADER;
		what = "deserializes request data with a formatter that builds "
		       "any type (BinaryFormatter, LosFormatter, ...): runs "
		       "the code a ysoserial gadget carries";
	} else if (srv && HAS(F_ASMLOAD) && src) {
		fam = SF_LOADER;
		what = "loads a .NET assembly from request data";
	} else if (srv && HAS(F_SESSION) &&
	           (HAS(F_CREATEINST) || HAS(F_REFLECT)) &&
	           (HAS(F_CRYPTO) || HAS(F_XOR)) && src) {
		fam = SF_LOADER;
		what = "memory loader: decrypted request bytes cached in the "
		       "session and invoked";
	} else if (srv && HAS(F_MACHINEKEY) && HAS(F_KEYFIELD)) {
		fam = SF_KEYTHIEF;
		what = "reads the ASP.NET machine keys (validation and "
		       "decryption): with them forged ViewState runs code on "
		       "every server sharing them, patched or not";
	} else if (srv && HAS(F_ASM_DROPPED) &&
	           (HAS(F_CREATEINST) || HAS(F_REFLECT))) {
		fam = SF_LOADER;
		what =
		    "loads a .NET assembly from a temporary or shared folder "
		    "and runs it: a payload dropped outside the site";
	} else if (srv && HAS(F_TYPE_REQ) &&
	           (HAS(F_REFLECT) || HAS(F_CREATEINST))) {
		fam = SF_LOADER;
		what = "reflection invoker: creates or calls whatever type or "
		       "method the request names";
	} else if (HAS(F_SSI_EXEC)) {
		fam = SF_COMMAND;
		what = "server-side include that runs a command "
		       "(<!--#exec cmd=...-->)";
	} else if (srv && HAS(F_VPP) && src &&
	           (HAS(F_B64) || HAS(F_CRYPTO) || HAS(F_XOR) ||
	            HAS(F_REQ_RAW))) {
		/* .NET "memory shells": the page registers a provider that
		 * answers for a path with what the request sent, decoded;
		 * ASP.NET compiles it as a page. Sites register theirs at
		 * start (App_Code, Global.asax) over their database, files
		 * or resources, cached in the application's state perhaps,
		 * and read the request for other ends: not decoded request
		 * bytes. */
		fam = SF_COMPILER;
		what = "registers a virtual path provider that serves request "
		       "data as a page, which ASP.NET compiles and runs: a web "
		       "shell kept in memory, with no file of its own";
	} else if (srv && HAS(F_IISCFG) && src) {
		/* IIS Manager is a program, not a page: a page that changes
		 * IIS's configuration as the request says adds the modules,
		 * handlers and virtual directories that outlive it (an
		 * administrator's page that recycles a pool commits
		 * nothing) */
		fam = SF_CONFIG;
		what = "changes IIS's configuration as the request says (a "
		       "module, handler, site or virtual directory added): a "
		       "way back in that outlives the page";
	} else if (srv && HAS(F_CODEDOM) && src) {
		fam = SF_COMPILER;
		what = "compiles or evaluates request data as code (CodeDom "
		       "or a script engine)";
	} else if (srv && HAS(F_XSLT) && HAS(F_XFORM) &&
	           (HAS(F_XSLSCRIPT) || (HAS(F_LOADXML) && HAS(F_B64))) &&
	           (src || HAS(F_B64))) {
		fam = SF_XSL;
		what = "XSL transform shell: runs script carried in an XSL "
		       "document";
	} else if (srv && HAS(F_PROCESS) && HAS(F_STDIN) && HAS(F_SOCKETS) &&
	           !HAS(F_REQ) && !HAS(F_REQ_VAR) && !HAS(F_REQ_RAW) &&
	           !HAS(F_REQ_HDR)) {
		fam = SF_COMMAND;
		what = "reverse shell: a started process's input comes from a "
		       "network connection the page opens";
	} else if (srv && (HAS(F_PROCESS) || HAS(F_WSCRIPT) || HAS(F_PSHOST)) &&
	           (src || (HAS(F_PROCESS) && HAS(F_PROC_CTRL)))) {
		fam = SF_COMMAND;
		what =
		    HAS(F_WSCRIPT)
		        ? "command runner: request data reaches WScript.Shell"
		    : HAS(F_PSHOST)
		        ? "command runner: request data reaches a PowerShell "
		          "runspace"
		    : src ? "command runner: request data reaches a started "
		            "process"
		          : "command runner: a form field's text names the "
		            "process started or its arguments";
	} else if (srv && HAS(F_SHELLSTR) &&
	           (HAS(F_REFLECT) || HAS(F_CREATEINST)) && src) {
		fam = SF_COMMAND;
		what = "command runner: a shell started through reflection "
		       "from request data";
	} else if (srv && HAS(F_SOCKETS) && src) {
		fam = SF_TUNNEL;
		what = "tunnel (reGeorg style): sockets driven by the request";
	} else if (srv && src && HAS(F_CRED_OUT)) {
		fam = SF_HARVESTER;
		what = "credential harvester: the passwords users type are "
		       "kept (a file, the application's memory, the registry) "
		       "or sent out (a web request, a mail, a DNS look-up): a "
		       "logon page with code added";
	} else if (HAS(F_CRED_BEACON)) {
		fam = SF_HARVESTER;
		what = "credential harvester in the page's browser script: the "
		       "password typed is sent to another site (a keylogger "
		       "added to a logon page or its script)";
	} else if (srv && ((HAS(F_REQFILES) && HAS(F_SAVEAS) &&
	                    !HAS(F_UPLOAD_CHECKED)) ||
	                   HAS(F_FILEWRITE_REQ))) {
		fam = SF_UPLOADER;
		what = "uploader: writes request data to a file on the server";
	} else if (srv && src && (ops >= 4 || (HAS(F_TIMESTOMP) && ops >= 2))) {
		fam = SF_FILEMANAGER;
		what = HAS(F_TIMESTOMP)
		           ? "file manager (ASPXSpy style): browses and changes "
		             "files, sets their times or attributes"
		           : "file manager (ASPXSpy style): browses, reads and "
		             "changes files on request";
	} else if (srv && HAS(F_NATIVE_ALLOC) && HAS(F_NATIVE_RUN)) {
		fam = SF_SHELLCODE;
		what = src ? "native code runner: allocates executable memory "
		             "and runs code there, with request data in the "
		             "page (shellcode injector)"
		           : "native code runner (msfvenom or Cobalt Strike "
		             "aspx stager style): allocates executable memory "
		             "and starts a thread in it";
	} else if (srv && src && HAS(F_DBCONNSTR) && HAS(F_DBEXEC)) {
		fam = SF_DATABASE;
		what = "database console (sql.aspx style): connects where the "
		       "request says, with its credentials, and runs its "
		       "commands";
	} else if (srv && HAS(F_EMBED_PE) && HAS(F_PROCESS) &&
	           (s->fileops & WRITE_OPS)) {
		fam = SF_SHELLCODE;
		what = "writes a program embedded in the page to disk and starts "
		       "it (msfvenom's aspx-exe)";
	} else if (srv && HAS(F_ASMLOAD) && HAS(F_EMBED_PE)) {
		fam = SF_LOADER_EMBEDDED;
		what = "loads a .NET assembly embedded in the page";
	} else if (srv && HAS(F_FILEPATH_REQ)) {
		fam = SF_FILEACCESS;
		what = "file access at a path the request names: reads, lists, "
		       "copies or deletes whatever file the caller asks for";
	} else if (srv && HAS(F_FETCH_REQ)) {
		fam = SF_FILEACCESS;
		what = "relay: fetches a URL the request names, from inside "
		       "the server's network, and hands back what it got";
	}
	if (fam == SF_NONE && srv && s->container != CONT_NONE) {
		fam = SF_CHOPPER;
		what = s->container == CONT_PST
		           ? "server script inside a mailbox export (PST) "
		             "written as a page (ProxyShell drop)"
		           : "server script inside a certificate request "
		             "written as a page (ProxyShell drop)";
	}
	r->family = fam;
	r->encoded = HAS(F_ENCODED);
	r->decoded = s->decoded > 0;
	r->edr_probe = HAS(F_EDR_PROBE);
	if (what)
		snprintf(r->what, sizeof r->what, "%s", what);
	if (fam == SF_OAB_DUMP)
		snprintf(r->chain, sizeof r->chain, "proxylogon");
	else if (fam != SF_NONE && s->container != CONT_NONE)
		snprintf(r->chain, sizeof r->chain, "proxyshell");
}

int script_analyse(const uint8_t *p, size_t n, const char *name,
                   struct script_result *r)
{
	struct script_scan s;
	int rc;

	script_scan_init(&s, name);
	rc = script_scan_feed(&s, p, n);
	script_scan_judge(&s, r);
	return rc;
}

int script_canonical(const uint8_t *p, size_t n, char **out, size_t *outlen)
{
	uint8_t *t, *gap;
	size_t m;
	bool stripped = false;
	int rc = canonical(p, n, true, &t, &gap, &m, &stripped);

	if (rc)
		return rc;
	free(gap);
	lower_in_place(t, m);
	*out = (char *)t;
	*outlen = m;
	return 0;
}
