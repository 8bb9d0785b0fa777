/* applicationHost.config, web.config and agents.config read as text: a
 * module, handler or agent loaded from outside Windows', .NET's and
 * Exchange's folders, or a managed type that is not Microsoft's, is
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
	/* a DLL in IIS's own folder that IIS does not ship (a native back
	 * door passing for one of IIS's); IIS's and URL Rewrite's are not */
	CHECK(run("applicationHost.config",
	          "<globalModules><add name=\"IsapiCache\" "
	          "image=\"%windir%\\System32\\inetsrv\\iiscache.dll\" />"
	          "<add name=\"RewriteModule\" image=\"%SystemRoot%\\system32"
	          "\\inetsrv\\rewrite.dll\" /><add name=\"DynamicCompression"
	          "Module\" image=\"%windir%\\System32\\inetsrv\\compdyn.dll\""
	          " /></globalModules>",
	          "iis-global-module") == 1);
	/* broken and cut text: nothing, no crash */
	CHECK(run("applicationhost.config",
	          "<globalModules><add image=\"C:", "iis-global-module") == 0);
	CHECK(run("agents.config", "<agents><agent assemblyPath=", "x") == 0);
	CHECK(run("other.config", app, "x") == 0); /* other files: not read */

	/* Managed modules and handlers: Owowa-style (its own key, at the
	 * server level), a handler to native code in ProgramData; Exchange's
	 * and .NET's own, unsigned in Microsoft's namespaces or signed with
	 * Microsoft's keys, and the ISAPI handler in .NET's folder, are not. */
	{
		static const char mods[] =
		    "<configuration><system.webServer><modules>"
		    "<add name=\"OutputCache\" type=\"System.Web.Caching."
		    "OutputCacheModule\" />"
		    "<add name=\"Proxy\" type=\"Microsoft.Exchange.HttpProxy."
		    "ProxyModule, Microsoft.Exchange.FrontEndHttpProxy\"/>"
		    "<add name=\"Signed\" type=\"Foo.Bar, Foo, Version=1.0.0.0,"
		    " Culture=neutral, PublicKeyToken=31bf3856ad364e35\"/>"
		    "<add name=\"ExtenderControlDesigner\" type=\"Extender"
		    "ControlDesigner.ExtenderControlDesigner, "
		    "ExtenderControlDesigner, Version=1.0.0.0, Culture=neutral, "
		    "PublicKeyToken=4e1d0b3a1f6c8d2e\" /></modules>"
		    "<handlers><add name=\"aspx-isapi\" path=\"*.aspx\" "
		    "modules=\"IsapiModule\" scriptProcessor=\"%windir%\\"
		    "Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_isapi."
		    "dll\"/><add name=\"cgi\" path=\"*.xyz\" verb=\"*\" "
		    "modules=\"CgiModule\" scriptProcessor=\"C:\\ProgramData"
		    "\\x.exe\"/></handlers></system.webServer>"
		    "<location path=\"Default Web Site/owa\"><system.webServer>"
		    "<modules><add name=\"Second\" type=\"Evil.Module, Evil\"/>"
		    "</modules></system.webServer></location></configuration>";
		{
			struct hunt h = {.root = "t"};
			size_t i, m = 0, hd = 0;
			detect_config_text(&h, "applicationHost.config",
			                   "applicationhost.config", mods,
			                   strlen(mods));
			for (i = 0; i < h.nf; i++) {
				m += !strcmp(h.f[i].kind, "iis-managed-module") &&
				     h.f[i].sev == SEV_MEDIUM;
				hd += !strcmp(h.f[i].kind, "iis-handler") &&
				      h.f[i].sev == SEV_HIGH &&
				      strstr(h.f[i].detail, "ProgramData");
			}
			/* both <location> sections read, the cgi handler */
			CHECK(m == 2 && hd == 1 && h.nf == 3);
			hunt_release(&h);
		}
		/* the same in a site's web.config, and <httpModules> */
		CHECK(run("inetpub/wwwroot/owa/web.config",
		          "<system.web><httpModules><add name=\"x\" "
		          "type=\"Owa.Stealer, Owa\"/></httpModules>"
		          "</system.web>",
		          "iis-managed-module") == 1);
		CHECK(detect_config_also("a/web.config") &&
		      !detect_config_name("a/web.config") &&
		      detect_config_name("x/applicationhost.config"));
	}
	return check_done();
}
