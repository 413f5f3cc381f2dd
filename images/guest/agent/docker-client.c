/*
 * docker: the client half of Drydock's docker, inside the guest.
 *
 * Like the real CLI it is a thin client: it sends its arguments, working directory, a few
 * environment variables and what its stdio are (terminals or not) to the daemon, then plays
 * back the daemon's output and exits with the status the daemon gives. It reaches the daemon
 * (the engine, in the host worker) through the guest agent's socket, /run/drydock/cli.sock, using
 * the agent's frame format (see drydock-agent.c). Signals it receives (Ctrl-C) go to the
 * daemon, which passes them to the container, as `docker run` does by default.
 *
 * It is also the host's systemctl, service and journalctl (links to this program): the lab's
 * init system lives beside the daemon in the engine (engine/host/systemd.ts), so those commands
 * are sent the same way, with their name, and the engine routes them there, not to dockerd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "wire.h"

static int sock = -1;
static int sigpipe_fds[2];
static struct termios saved_tty;
static int tty_raw;

/* Whatever happens, the learner's terminal is given back as it was. */
static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSADRAIN, &saved_tty);
	tty_raw = 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void send_frame(uint8_t type, const void *payload, uint32_t len)
{
	uint8_t hdr[HDR] = { MAGIC, type, 0, 0, 0, 0, 0, 0 };
	memcpy(hdr + 8, &len, 4);
	if (write_all(sock, hdr, HDR) || (len && write_all(sock, payload, len)))
		exit(1);
}

/* A growable buffer for the open request. */
static uint8_t *req;
static size_t req_len, req_cap;
static void put(const void *data, size_t len)
{
	if (req_len + len > req_cap) {
		req_cap = (req_len + len) * 2 + 256;
		req = realloc(req, req_cap);
		if (!req)
			exit(1);
	}
	memcpy(req + req_len, data, len);
	req_len += len;
}
static void put_u32(uint32_t v) { put(&v, 4); }
static void put_str(const char *s) { put_u32((uint32_t)strlen(s)); put(s, strlen(s)); }

static void on_signal(int sig)
{
	uint8_t b = (uint8_t)sig;
	(void)!write(sigpipe_fds[1], &b, 1);
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	const char *program = slash ? slash + 1 : argv[0];
	/* Flag 8: the program is not docker; its name is sent as the first word of argv. */
	int other = strcmp(program, "docker") != 0;
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, "/run/drydock/cli.sock");
	if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
		if (other)
			fprintf(stderr, "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n");
		else
			fprintf(stderr, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n");
		return 1;
	}
	if (pipe(sigpipe_fds))
		return 1;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	atexit(restore_tty);
	int stdin_on = 0;

	/* open: u32 tty flags, u16 rows, u16 cols, argv, env, cwd */
	struct winsize ws = { 0 };
	ioctl(1, TIOCGWINSZ, &ws);
	put_u32((isatty(0) ? 1u : 0) | (isatty(1) ? 2u : 0) | (isatty(2) ? 4u : 0) | (other ? 8u : 0));
	uint16_t size[2] = { ws.ws_row, ws.ws_col };
	put(size, 4);
	put_u32((uint32_t)argc - 1 + (other ? 1u : 0));
	if (other)
		put_str(program);
	for (int i = 1; i < argc; i++)
		put_str(argv[i]);
	extern char **environ;
	uint32_t envc = 0;
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, "DOCKER_", 7) || !strncmp(*e, "TERM=", 5) || !strncmp(*e, "HOME=", 5))
			envc++;
	put_u32(envc);
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, "DOCKER_", 7) || !strncmp(*e, "TERM=", 5) || !strncmp(*e, "HOME=", 5))
			put_str(*e);
	char cwd[4096];
	put_str(getcwd(cwd, sizeof cwd) ? cwd : "/");
	send_frame(T_CLIENT_OPEN, req, (uint32_t)req_len);

	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		struct pollfd fds[3] = { { sock, POLLIN, 0 }, { sigpipe_fds[0], POLLIN, 0 }, { 0, POLLIN, 0 } };
		if (poll(fds, stdin_on ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fds[1].revents) {
			uint8_t sig;
			if (read(sigpipe_fds[0], &sig, 1) == 1) {
				if (sig == SIGWINCH) {
					struct winsize now = { 0 };
					ioctl(1, TIOCGWINSZ, &now);
					uint16_t rc[2] = { now.ws_row, now.ws_col };
					send_frame(T_CLIENT_RESIZE, rc, 4);
				} else {
					uint32_t s = sig;
					send_frame(T_CLIENT_SIGNAL, &s, 4);
				}
			}
		}
		if (stdin_on && fds[2].revents) {
			char in[4096];
			ssize_t n = read(0, in, sizeof in);
			if (n > 0) {
				send_frame(T_CLIENT_STDIN, in, (uint32_t)n);
			} else if (n == 0 || errno != EINTR) {
				send_frame(T_CLIENT_STDIN, NULL, 0); /* EOF */
				stdin_on = 0;
			}
		}
		if (!fds[0].revents)
			continue;
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 131072;
			buf = realloc(buf, cap);
			if (!buf)
				return 1;
		}
		ssize_t n = read(sock, buf + len, cap - len);
		if (n <= 0) {
			fprintf(stderr, "error during connect: the Docker daemon closed the connection\n");
			return 1;
		}
		len += (size_t)n;
		size_t pos = 0;
		while (len - pos >= HDR) {
			uint32_t plen;
			memcpy(&plen, buf + pos + 8, 4);
			if (len - pos < HDR + plen)
				break;
			uint8_t type = buf[pos + 1];
			uint8_t *p = buf + pos + HDR;
			if (type == T_CLIENT_OUTPUT && plen >= 1)
				write_all(p[0] == 2 ? 2 : 1, p + 1, plen - 1);
			else if (type == T_CLIENT_EXIT && plen >= 4) {
				int32_t code;
				memcpy(&code, p, 4);
				return code;
			} else if (type == T_CLIENT_STDIN_ON) {
				stdin_on = 1;
				if (plen >= 1 && p[0] && isatty(0) && tcgetattr(0, &saved_tty) == 0) {
					struct termios raw = saved_tty;
					cfmakeraw(&raw);
					tcsetattr(0, TCSADRAIN, &raw);
					tty_raw = 1;
				}
			}
			pos += HDR + plen;
		}
		memmove(buf, buf + pos, len - pos);
		len -= pos;
	}
}
