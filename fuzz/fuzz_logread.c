/* The log reader in all three formats, with a detector bound, and the
 * file checks (role, YARA, names) on the same bytes. */
#include "hunt/detect.h"
#include "hunt/logread.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hunt h;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct detect_ctx d;
	struct log_stats st;
	int fd;

	if (!ready) {
		ready = 1;
		detect_files_init(&h, NULL);
	}
	memset(&d, 0, sizeof d);
	d.h = &h;
	d.path = "fuzz";
	logread_mem((const char *)data, size, LOG_CSV, detect_httpproxy, &d,
	            &st);
	memset(&d, 0, sizeof d);
	d.h = &h;
	d.path = "fuzz";
	logread_mem((const char *)data, size, LOG_W3C, detect_iis, &d, &st);
	memset(&d, 0, sizeof d);
	d.h = &h;
	d.path = "fuzz";
	logread_mem((const char *)data, size, LOG_CSV, detect_ecp, &d, &st);
	logread_mem((const char *)data, size, LOG_TEXT, detect_oab, &d, &st);
	logread_mem((const char *)data, size, LOG_TEXT, detect_cmdlets, &d,
	            &st);
	memset(&d, 0, sizeof d);
	d.h = &h;
	d.path = "fuzz";
	logread_mem((const char *)data, size, LOG_CSV, detect_rps_http, &d,
	            &st);
	fd = memfd_create("f", 0);
	if (fd >= 0) {
		if (write(fd, data, size) == (ssize_t)size) {
			lseek(fd, 0, SEEK_SET);
			detect_file(
			    &h, fd, "inetpub/wwwroot/aspnet_client/x.aspx",
			    "inetpub/wwwroot/aspnet_client/x.aspx", size, 0);
		}
		close(fd);
	}
	hunt_release(&h);
	return 0;
}
