/* applicationHost.config and agents.config read as text: a module or
 * agent loaded from outside Windows', .NET's and Exchange's folders is
 * found; the server's own are not; broken text stays bounded. */
#include "hunt/detect.h"
#include "check.h"
#include <string.h>
#include <stdio.h>

static size_t run(const char *name, const char *text, const char *kind)
{
	struct hunt h = {.root = "t"};
	char lower[256];
	size_t i, n = 0;

	for (i = 0; name[i] && i + 1 < sizeof lower; i++)
		lower[i] =
		    (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32
		                                            : name[i]);
	lower[i] = '\0';
	detect_config_text(&h, name, lower, text, strlen(text));
	for (i = 0; i < h.nf; i++) {
		CHECK(strcmp(h.f[i].kind, kind) == 0);
		n++;
	}
	hunt_release(&h);
	return n;
}

int main(void)
{
	static const char app[] =
	    "<configuration><system.webServer><globalModules>\r\n"
	    "<add name=\"StaticFileModule\" "
	    "image=\"%windir%\\System32\\inetsrv\\static.dll\" />\r\n"
	    "<add name=\"kerbauth\" image=\"D:\\Microsoft\\Exchange "
	    "Server\\V15\\Bin\\kerbauth.dll\" />\r\n"
	    "<add name=\"ManagedEngine\" image=\"C:\\Windows\\Microsoft.NET\\"
	    "Framework64\\v4.0.30319\\webengine4.dll\" />\r\n"
	    "<add name=\"Cache\" image='C:\\ProgramData\\c.dll'/>\r\n"
	    "</globalModules><modules><add name=\"X\" "
	    "image=\"C:\\Temp\\x.dll\" "
	    "/></modules></system.webServer></configuration>";
	static const char agents[] =
	    "<mexRuntime><agents><agent name=\"Transport Rule Agent\" "
	    "assemblyPath=\"C:\\Program Files\\Microsoft\\Exchange "
	    "Server\\V15\\"
	    "TransportRoles\\agents\\Rule\\x.dll\" enabled=\"true\" />\n"
	    "<agent name=\"Evil\" assemblyPath=\"C:\\Users\\Public\\a.dll\" "
	    "enabled=\"true\" /><agentx name=\"no\" "
	    "assemblyPath=\"C:\\a.dll\"/>"
	    "</agents></mexRuntime>";

	/* one module outside (the one under <modules> is not a global one) */
	CHECK(run("Windows/System32/inetsrv/config/applicationHost.config", app,
	          "iis-global-module") == 1);
	CHECK(run("V15/TransportRoles/Shared/agents.config", agents,
	          "transport-agent-config") == 1);
	/* broken and cut text: nothing, no crash */
	CHECK(run("applicationhost.config",
	          "<globalModules><add image=\"C:", "iis-global-module") == 0);
	CHECK(run("agents.config", "<agents><agent assemblyPath=", "x") == 0);
	CHECK(run("web.config", app, "x") == 0); /* other files: not read */
	return check_done();
}
