/* exhunt-read: the bounded readers of event logs and registry hives
 * (hunt/child.h) as a program of their own, linked with their parsing
 * libraries only. exhunt hunt runs it, when it lies beside exhunt, in
 * place of exhunt itself: a process per evidence file then starts in a
 * few milliseconds instead of loading exhunt's sixty libraries, bound at
 * start (full RELRO), which took a quarter of the time of reading a
 * 3 MB event log; and the process that parses hostile files holds no
 * network, TLS or database code. Without it exhunt runs itself, as
 * before. Its exit codes are the readers' (hunt/child.h), and
 * READER_MISMATCH when it is not of the protocol of the exhunt that
 * ran it (another READER_PROTOCOL). */
#include "hunt/child.h"
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

int main(int argc, char **argv)
{
	/* exhunt passes the protocol it reads: an older or newer
	 * exhunt-read left beside it may write other lines */
	if (argc != 3 || strcmp(argv[2], READER_PROTOCOL) != 0)
		return READER_MISMATCH;
	if (strcmp(argv[1], "__read-evtx") == 0)
		return evtx_child_main();
	if (strcmp(argv[1], "__read-hive") == 0)
		return hive_child_main();
	return READER_MISMATCH;
}
