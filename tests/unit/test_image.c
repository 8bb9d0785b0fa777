/* The image source's own logic, apart from the libraries: which files are
 * images (by their bytes, not their names), and findings from shadow
 * copies that repeat the live volume's dropped, the rest kept. */
#include "hunt/hunt.h"
#include "hunt/image.h"
#include "check.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *kind_of(const void *head, size_t n, size_t total)
{
	char path[] = "/tmp/exhunt-test-image-XXXXXX";
	int fd = mkstemp(path);
	const char *k;

	if (fd < 0 || write(fd, head, n) != (ssize_t)n ||
	    ftruncate(fd, (off_t)total))
		return "error";
	k = image_kind(fd);
	close(fd);
	unlink(path);
	return k;
}

static struct finding *add(struct hunt *h, int place, const char *kind,
                           const char *path, uint64_t line)
{
	struct finding *f;

	h->cur_place = place;
	f = hunt_add(h, kind, HC_26855, HL_EXPLOITED, SEV_HIGH, path, line,
	             "d");
	h->cur_place = 0;
	return f;
}

int main(void)
{
	unsigned char b[1024] = {0};
	struct hunt h;
	size_t i;
	int snap_lines = 0, live_lines = 0;

	memcpy(b, "EVF\x09\x0d\x0a\xff\x00", 8);
	CHECK_STR(kind_of(b, 16, 16), "E01");
	memcpy(b, "vhdxfile", 8);
	CHECK_STR(kind_of(b, 16, 16), "VHDX");
	memset(b, 0, sizeof b);
	memcpy(b + 3, "NTFS    ", 8);
	CHECK_STR(kind_of(b, 512, 4096), "raw");
	memset(b, 0, sizeof b);
	b[510] = 0x55;
	b[511] = 0xaa;
	CHECK_STR(kind_of(b, 512, 4096), "raw");
	memset(b, 'A', sizeof b); /* a log, a page: no image */
	CHECK(kind_of(b, 1024, 1024) == NULL);
	CHECK(kind_of(b, 8, 8) == NULL);

	/* names from a crafted file system cannot forge a path */
	{
		char n1[64] = "inetpub/wwwroot/aspnet_client/x.aspx";
		char n2[64] = "..", n3[64] = "logon.aspx", n4[16] = "a/b/c/d/e";
		image_name_element(n1, sizeof n1);
		image_name_element(n2, sizeof n2);
		image_name_element(n3, sizeof n3);
		image_name_element(n4, 8);
		CHECK_STR(n1, "inetpub%2Fwwwroot%2Faspnet_client%2Fx.aspx");
		CHECK_STR(n2, "%2E%2E");
		CHECK_STR(n3, "logon.aspx");
		CHECK(!strchr(n4, '/')); /* cut to its room, still one element */
	}

	/* live volume 1, its shadow copy 1, and volume 2's live side */
	memset(&h, 0, sizeof h);
	h.places = calloc(3, sizeof *h.places);
	h.nplaces = h.capplaces = 3;
	h.places[0].volume = 1;
	h.places[1].volume = 1;
	h.places[1].store = 1;
	h.places[2].volume = 2;
	add(&h, 1, "ssrf", "logs/a.log", 10);
	add(&h, 1, "ssrf", "logs/a.log", 11);
	add(&h, 2, "ssrf", "logs/a.log", 10); /* repeats live: dropped */
	add(&h, 2, "ssrf", "logs/a.log", 11); /* dropped */
	add(&h, 2, "ssrf", "logs/a.log", 9);  /* cleared since: kept */
	add(&h, 2, "shadow-copy-changed", "logs/a.log", 0); /* kept */
	add(&h, 3, "ssrf", "logs/a.log", 12); /* another volume: kept */
	image_drop_repeats(&h);
	CHECK(h.nf == 5);
	for (i = 0; i < h.nf; i++) {
		if (h.f[i].place == 2 && !strcmp(h.f[i].kind, "ssrf"))
			snap_lines += h.f[i].line == 9;
		if (h.f[i].place == 1)
			live_lines++;
	}
	CHECK(snap_lines == 1 && live_lines == 2);
	CHECK(h.nnotes == 1 && strstr(h.notes[0], "2 findings in shadow copies"));
	hunt_release(&h);
	return check_done();
}
