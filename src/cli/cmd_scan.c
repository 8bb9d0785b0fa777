#include "cli/cli.h"
int cmd_scan(int argc, char **argv) { return 2; }
int cmd_demo(int argc, char **argv) { return 2; }
