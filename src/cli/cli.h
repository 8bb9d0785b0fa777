/* The subcommands: argument parsing only; the work is in the components. */
#ifndef EXH_CLI_CLI_H
#define EXH_CLI_CLI_H

#define EXHUNT_VERSION "0.1.0"

int cmd_scan(int argc, char **argv);
int cmd_lab(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_hunt(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_lab_host(int argc, char **argv);
int cmd_notify(int argc, char **argv);

#endif
