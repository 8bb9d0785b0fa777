/* A damaged disk image through the whole image source (hunt/image.c and
 * its reader child, hunt/image_child.c with libfsntfs, libvshadow): the
 * input is a list of patches (4-byte offset, 1-byte length, bytes) laid
 * over an image made once at start by the lab's image writer (an MBR
 * disk with one NTFS volume: a small web root with a shell, a log, a
 * deleted shell and a time-stomped one), landing in the partition table,
 * the boot sector and the MFT. Each run must end with a
 * report; a child that crashes or blows up is the child's (restarted,
 * read in part), never the hunt's. This binary is also the child: the
 * hidden verbs are served before libFuzzer starts. */
#include "hunt/child.h"
#include "hunt/detect.h"
#include "hunt/image.h"
#include "lab/ntfs_image.h"
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], base[128], work[128];
static unsigned char *img;
static size_t img_len;
static uint64_t mft_at;
static struct hunt rules; /* our YARA rules, compiled once */

static void cleanup(void)
{
	char p[160];

	unlink(work);
	unlink(base);
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	if (system(p))
		return;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[][2] = {
	    {"inetpub/wwwroot/aspnet_client/system_web/x.aspx",
	     "<%@ Page Language=\"Jscript\"%><%eval(Request.Item[\"z\"],"
	     "\"unsafe\");%>"},
	    {"inetpub/wwwroot/iisstart.htm", "<html>IIS</html>"},
	    {"inetpub/logs/LogFiles/W3SVC1/u_ex210303.log",
	     "#Fields: date time cs-method cs-uri-stem\r\n"
	     "2021-03-03 06:49:55 POST /owa/auth/x.aspx\r\n"},
	};
	struct image_extra x = {
	    "inetpub/wwwroot/aspnet_client/gone.aspx",
	    "<%@ Page Language=\"C#\"%><%System.Diagnostics.Process.Start("
	    "\"cmd.exe\",Request[\"c\"]);%>",
	    "inetpub/wwwroot/aspnet_client/system_web/x.aspx", 1468670400};
	char tree[128], p[512];
	struct stat st;
	int fd;
	size_t i;

	if (*argc >= 2 && !strcmp((*argv)[1], "__read-image"))
		exit(image_child_main(*argc - 2, *argv + 2));
	if (*argc >= 2 && !strcmp((*argv)[1], "__read-evtx"))
		exit(evtx_child_main());
	if (*argc >= 2 && !strcmp((*argv)[1], "__read-hive"))
		exit(hive_child_main());
	snprintf(dir, sizeof dir, "/tmp/exhunt-fuzz-image-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(tree, sizeof tree, "%s/tree", dir);
	snprintf(base, sizeof base, "%s/base.raw", dir);
	snprintf(work, sizeof work, "%s/work.raw", dir);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *slash;
		snprintf(p, sizeof p, "%s/%s", tree, files[i][0]);
		for (slash = strchr(p + strlen(dir) + 1, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			*slash = '\0';
			mkdir(p, 0755);
			*slash = '/';
		}
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, files[i][1], strlen(files[i][1])) < 0)
			abort();
		close(fd);
	}
	if (lab_image_write(tree, base, &x))
		abort();
	fd = open(base, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		abort();
	img_len = (size_t)st.st_size;
	img = malloc(img_len);
	if (!img || read(fd, img, img_len) != (ssize_t)img_len)
		abort();
	close(fd);
	/* the MFT's offset, from the volume's boot sector at 1 MiB */
	{
		const unsigned char *b = img + (1 << 20);
		uint64_t bps = (uint64_t)(b[11] | b[12] << 8), spc = b[13];
		uint64_t cl = 0;
		for (int k = 7; k >= 0; k--)
			cl = cl << 8 | b[48 + k];
		mft_at = (1 << 20) + cl * bps * spc;
	}
	if (detect_files_init(&rules, NULL))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(img_len);
	struct hunt h;
	size_t at = 0;
	int fd;

	if (!copy)
		return 0;
	memcpy(copy, img, img_len);
	while (at + 5 <= size) {
		uint32_t off = (uint32_t)(data[at] | data[at + 1] << 8 |
		                          data[at + 2] << 16 |
		                          (uint32_t)data[at + 3] << 24);
		size_t n = data[at + 4];
		uint64_t where;
		at += 5;
		if (n > size - at)
			n = size - at;
		/* the top bit picks the MFT, else the disk's first 2 MiB */
		where = (off & 0x80000000u) ? mft_at + (off & 0x3fffff)
		                            : (off & 0x1fffff);
		if (where < img_len && n <= img_len - where)
			memcpy(copy + where, data + at, n);
		at += n;
	}
	fd = open(work, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, copy, img_len) != (ssize_t)img_len)
		abort();
	close(fd);
	free(copy);
	memset(&h, 0, sizeof h);
	h.root = work;
	h.threads = 1;
	h.yara_rules = rules.yara_rules;
	hunt_run(&h);
	hunt_release(&h);
	return 0;
}
