/*
 * drydock-agent: the guest half of the engine channel, and the guest's PID 1.
 *
 * It speaks a framed protocol on /dev/hvc1 (virtio-console port 1) with the engine in the
 * host worker: run a command (argv, env, cwd), stream its stdin/stdout/stderr, deliver signals,
 * report the exit status; resize the learner's terminal (ttyS0). The protocol's TypeScript half
 * is web/src/engine/protocol/frame.ts; keep the two in step (PROTOCOL_VERSION).
 *
 * Frame: u8 magic 0xD7, u8 type, u16 flags (0), u32 id, u32 payload length, payload.
 * Integers are little-endian (the guest is i686, so they are written natively).
 *
 * Host->guest data must not overrun v86's 16 receive buffers of 4 KiB (extra data is dropped
 * silently), so the host sends at most 4 KiB per chunk and keeps a window; this agent
 * acknowledges every byte it reads (ACK frames) so the host knows buffers are free again.
 *
 * It is the guest's /init: it mounts what containers need (with syscalls: a busybox `mount`
 * per line cost 50-120 ms of boot each), reaps orphans, and keeps a login shell running on the
 * serial console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <pty.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

/* Client session ids have the top bit set, so they never meet the host's request ids. */
#define CLIENT_ID_BASE 0x80000000u
/* docker commands at once; more wait in the socket's backlog until one ends (never refused). */
#define MAX_CLIENTS 64
/* The guest's `docker` (the thin client) has its own socket; /run/docker.sock (also
 * /var/run/docker.sock: /var/run links to /run) is the Engine API's, for any client. */
#define CLIENT_SOCKET "/run/drydock/cli.sock"
#define API_SOCKET "/run/docker.sock"
/* Connection ids have the top two bits set: apart from the host's and the clients' ids. */
#define CONN_ID_BASE 0xC0000000u
#define MAX_CONNS 32

#define MAX_PROCS 64

struct proc {
	int used;
	uint32_t id;
	pid_t pid;
	int out, err, in;      /* pipe ends held by the agent, -1 when closed */
	char *pending;         /* stdin bytes the child's pipe could not take yet */
	size_t pending_len;
	int close_in_after;    /* EOF was requested while bytes were still pending */
	int pty;               /* out/in are the two ends we hold of a pseudo-terminal master */
};

static struct proc procs[MAX_PROCS];

/* A client connection on the unix socket; its frames go to the host under `id`. */
struct client {
	int fd; /* -1 when free */
	uint32_t id;
	uint8_t *buf;
	size_t len, cap;
};
static struct client clients[MAX_CLIENTS];
static int listen_fd = -1;

/* A raw connection to the API socket; `eof` once the client shut its sending side. */
struct conn {
	int fd; /* -1 when free */
	uint32_t id;
	int eof;
};
static struct conn conns[MAX_CONNS];
static int api_fd = -1;
static uint32_t next_conn = 1;
static uint32_t next_client = 1;
static int chan = -1;
static int sigpipe_fds[2];
static pid_t console_pid = -1;
static const char *console_dev = "/dev/ttyS0";

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd w = { fd, POLLOUT, 0 };
				poll(&w, 1, 100);
				continue;
			}
			return; /* the host side is gone; nothing useful left to do with this frame */
		}
		p += n;
		len -= (size_t)n;
	}
}

static void send_frame(uint8_t type, uint32_t id, const void *payload, uint32_t len)
{
	uint8_t hdr[HDR] = { MAGIC, type, 0, 0 };
	memcpy(hdr + 4, &id, 4);
	memcpy(hdr + 8, &len, 4);
	write_all(chan, hdr, HDR);
	if (len)
		write_all(chan, payload, len);
}

static void send_error(uint32_t id, const char *msg)
{
	send_frame(T_ERROR, id, msg, (uint32_t)strlen(msg));
}

static struct proc *find_proc(uint32_t id)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].used && procs[i].id == id)
			return &procs[i];
	return NULL;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Reads one buffer from a pipe (at most `limit` bytes); returns 0 at EOF, 1 otherwise. One read
 * per poll round: a command that never stops writing must not keep PID 1 from serving the
 * channel (signals, pings) and the other commands.
 */
static int pump_output(struct proc *p, int *fd, uint8_t type, size_t limit)
{
	static char buf[65536];
	for (;;) {
		ssize_t n = read(*fd, buf, limit < sizeof buf ? limit : sizeof buf);
		if (n > 0) {
			send_frame(type, p->id, buf, (uint32_t)n);
			return 1;
		}
		if (n == 0 || (n < 0 && errno == EIO)) { /* EIO: a pty whose other side is gone */
			close_fd(fd);
			return 0;
		}
		if (errno == EINTR)
			continue;
		return 1; /* EAGAIN */
	}
}

static void flush_stdin(struct proc *p)
{
	while (p->in >= 0 && p->pending_len) {
		ssize_t n = write(p->in, p->pending, p->pending_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			/* EPIPE: the child closed its stdin; drop what it will never read. */
			p->pending_len = 0;
			break;
		}
		memmove(p->pending, p->pending + n, p->pending_len - (size_t)n);
		p->pending_len -= (size_t)n;
	}
	if (!p->pending_len && p->close_in_after)
		close_fd(&p->in);
}

static void finish_proc(struct proc *p, int status)
{
	/* What the child wrote before it exited is still in the pipes: send that first — only
	 * that, as a background grandchild may hold the pipe open and keep writing. */
	int fds[2] = { p->out, p->err };
	for (int i = 0; i < 2; i++) {
		int avail = 0;
		while (fds[i] >= 0 && ioctl(fds[i], FIONREAD, &avail) == 0 && avail > 0) {
			int *fd = i ? &p->err : &p->out;
			if (!pump_output(p, fd, i ? T_STDERR : T_STDOUT, (size_t)avail))
				break;
			fds[i] = *fd;
		}
	}
	close_fd(&p->out);
	close_fd(&p->err);
	close_fd(&p->in);
	int32_t payload[2];
	if (WIFSIGNALED(status)) {
		payload[0] = 128 + WTERMSIG(status);
		payload[1] = WTERMSIG(status);
	} else {
		payload[0] = WEXITSTATUS(status);
		payload[1] = 0;
	}
	send_frame(T_EXIT, p->id, payload, sizeof payload);
	free(p->pending);
	memset(p, 0, sizeof *p);
}

/* ---- child-side helpers (run between fork and exec) ---- */

/* A child starts with the signal handling a fresh program expects, not PID 1's. */
static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* Makes `path` the controlling terminal and the stdio of a new session; -1 if it cannot. */
static int take_terminal(const char *path)
{
	setsid();
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	ioctl(fd, TIOCSCTTY, 1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

/* Runs the command in `cwd` with `envp` (NULL: ours), or exits 127/126 as shells do. */
static void exec_command(char **argv, char **envp, const char *cwd)
{
	if (cwd && *cwd && chdir(cwd) != 0) {
		dprintf(2, "chdir %s: %s\n", cwd, strerror(errno));
		_exit(126);
	}
	if (envp)
		environ = envp;
	execvp(argv[0], argv);
	int code = errno == ENOENT ? 127 : 126;
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(code);
}

/*
 * Starts a command on a new pseudo-terminal, as a session leader with it as its controlling
 * terminal (what `docker run -t` gives a container). The master carries both directions.
 */
static void start_pty_exec(uint32_t id, struct proc *p, char **argv, char **envp, const char *cwd)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		if (master >= 0)
			close(master);
		send_error(id, "cannot allocate a pseudo-terminal");
		return;
	}
	char *slave_name = ptsname(master);
	pid_t pid = fork();
	if (pid < 0) {
		close(master);
		send_error(id, "fork failed");
		return;
	}
	if (pid == 0) {
		reset_signals();
		if (take_terminal(slave_name) != 0)
			_exit(126);
		exec_command(argv, envp, cwd);
	}
	memset(p, 0, sizeof *p);
	p->used = 1;
	p->id = id;
	p->pid = pid;
	p->out = master;
	p->err = -1;
	p->in = dup(master);
	p->pty = 1;
	set_nonblock(p->out);
	set_nonblock(p->in);
}

static int get_u32(const uint8_t **cur, const uint8_t *end, uint32_t *out)
{
	if (end - *cur < 4)
		return -1;
	memcpy(out, *cur, 4);
	*cur += 4;
	return 0;
}

/* Reads `count` length-prefixed strings into a NULL-terminated vector. */
static char **get_strings(const uint8_t **cur, const uint8_t *end, uint32_t count)
{
	if (count > 4096)
		return NULL;
	char **v = calloc(count + 1, sizeof *v);
	for (uint32_t i = 0; v && i < count; i++) {
		uint32_t len;
		if (get_u32(cur, end, &len) || (uint32_t)(end - *cur) < len) {
			for (uint32_t k = 0; k < i; k++)
				free(v[k]);
			free(v);
			return NULL;
		}
		v[i] = strndup((const char *)*cur, len);
		*cur += len;
	}
	return v;
}

static void start_exec(uint32_t id, const uint8_t *payload, uint32_t len)
{
	const uint8_t *cur = payload, *end = payload + len;
	uint32_t flags, argc, envc, cwdlen;
	char **argv = NULL, **envp = NULL, *cwd = NULL;
	if (find_proc(id)) {
		send_error(id, "request id already in use");
		return;
	}
	if (get_u32(&cur, end, &flags) || get_u32(&cur, end, &argc) || argc == 0 ||
	    !(argv = get_strings(&cur, end, argc)) || get_u32(&cur, end, &envc) ||
	    !(envp = get_strings(&cur, end, envc)) || get_u32(&cur, end, &cwdlen) ||
	    (uint32_t)(end - cur) < cwdlen) {
		send_error(id, "malformed exec request");
		goto out;
	}
	cwd = strndup((const char *)cur, cwdlen);
	struct proc *p = NULL;
	for (int i = 0; i < MAX_PROCS; i++)
		if (!procs[i].used) {
			p = &procs[i];
			break;
		}
	if (!p) {
		send_error(id, "too many running commands");
		goto out;
	}
	if (flags & EXEC_PTY) {
		start_pty_exec(id, p, argv, envc ? envp : NULL, cwdlen ? cwd : NULL);
		goto out;
	}
	int o[2] = { -1, -1 }, e[2] = { -1, -1 }, in[2] = { -1, -1 };
	if (pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC) ||
	    ((flags & EXEC_STDIN) && pipe2(in, O_CLOEXEC))) {
		int all[] = { o[0], o[1], e[0], e[1], in[0], in[1] };
		for (int k = 0; k < 6; k++)
			if (all[k] >= 0)
				close(all[k]);
		send_error(id, "pipe failed");
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		send_error(id, "fork failed");
		close(o[0]); close(o[1]); close(e[0]); close(e[1]);
		if (in[0] >= 0) { close(in[0]); close(in[1]); }
		goto out;
	}
	if (pid == 0) {
		setsid(); /* its own process group, so a signal reaches the whole pipeline */
		reset_signals();
		int fd0 = in[0] >= 0 ? in[0] : open("/dev/null", O_RDONLY);
		dup2(fd0, 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		exec_command(argv, envc ? envp : NULL, cwd);
	}
	close(o[1]);
	close(e[1]);
	if (in[0] >= 0)
		close(in[0]);
	memset(p, 0, sizeof *p);
	p->used = 1;
	p->id = id;
	p->pid = pid;
	p->out = o[0];
	p->err = e[0];
	p->in = in[1];
	set_nonblock(p->out);
	set_nonblock(p->err);
	if (p->in >= 0)
		set_nonblock(p->in);
out:
	for (uint32_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	for (uint32_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(argv);
	free(envp);
	free(cwd);
}

static void handle_frame(uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len)
{
	struct proc *p;
	switch (type) {
	case T_EXEC:
		start_exec(id, payload, len);
		break;
	case T_STDIN:
		p = find_proc(id);
		if (!p || p->in < 0)
			break; /* the command is gone or has no stdin: nothing to feed */
		if (len == 0) {
			p->close_in_after = 1;
		} else {
			char *grown = realloc(p->pending, p->pending_len + len);
			if (!grown)
				break;
			p->pending = grown;
			memcpy(p->pending + p->pending_len, payload, len);
			p->pending_len += len;
		}
		flush_stdin(p);
		break;
	case T_SIGNAL: {
		/* u32 signal [, u32 flags]: flag 1 = the process itself, not its process group. */
		uint32_t sig = 0, sflags = 0;
		if (len >= 4)
			memcpy(&sig, payload, 4);
		if (len >= 8)
			memcpy(&sflags, payload + 4, 4);
		p = find_proc(id);
		if (p && sig > 0 && sig < 65) {
			if ((sflags & 1) || kill(-p->pid, (int)sig) != 0)
				kill(p->pid, (int)sig);
		}
		break;
	}
	case T_RESIZE: {
		uint16_t rc[2];
		if (len < 4)
			break;
		memcpy(rc, payload, 4);
		struct winsize ws = { .ws_row = rc[0], .ws_col = rc[1] };
		if (id != 0) { /* a command's own pseudo-terminal */
			p = find_proc(id);
			if (p && p->pty && p->out >= 0)
				ioctl(p->out, TIOCSWINSZ, &ws);
			break;
		}
		int fd = open(console_dev, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0) {
			ioctl(fd, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the foreground job */
			close(fd);
		}
		break;
	}
	case T_PING:
		send_frame(T_PONG, id, payload, len);
		break;
	default:
		send_error(id, "unknown request type");
	}
}

typedef void frame_handler(void *ctx, uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len);

/* Splits a byte stream into frames; returns how many bytes it used. */
static size_t parse_frames(uint8_t *buf, size_t len, frame_handler *on, void *ctx)
{
	size_t pos = 0;
	while (len - pos >= HDR) {
		uint8_t *h = buf + pos;
		if (h[0] != MAGIC) {
			/* Lost sync (should not happen with flow control): skip to the next magic byte. */
			send_error(0, "protocol: bad magic, resynchronising");
			pos++;
			while (pos < len && buf[pos] != MAGIC)
				pos++;
			continue;
		}
		uint32_t id, plen;
		memcpy(&id, h + 4, 4);
		memcpy(&plen, h + 8, 4);
		if (plen > MAX_IN_PAYLOAD) {
			send_error(id, "protocol: frame too large");
			pos++;
			continue;
		}
		if (len - pos < HDR + plen)
			break;
		on(ctx, h[1], id, h + HDR, plen);
		pos += HDR + plen;
	}
	return pos;
}

static void grow(uint8_t **buf, size_t len, size_t *cap, size_t room)
{
	if (*cap - len >= room)
		return;
	while (*cap - len < room)
		*cap = *cap ? *cap * 2 : 65536;
	*buf = realloc(*buf, *cap);
	if (!*buf)
		abort();
}

/* ---- client sessions (the guest's `docker` command) ---- */

static struct client *find_client(uint32_t id)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0 && clients[i].id == id)
			return &clients[i];
	return NULL;
}

static void drop_client(struct client *c, int tell_host)
{
	if (tell_host)
		send_frame(T_CLIENT_CLOSE, c->id, NULL, 0);
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof *c);
	c->fd = -1;
}

/* Writes to a socket's peer, giving up on one that stops reading (PID 1 must never block for long). */
static int write_peer(int fd, const void *data, size_t len)
{
	const char *p = data;
	int waited = 0;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && waited < 5000) {
			struct pollfd w = { fd, POLLOUT, 0 };
			poll(&w, 1, 100);
			waited += 100;
			continue;
		}
		return -1;
	}
	return 0;
}

static void relay_to_client(uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len)
{
	struct client *c = find_client(id);
	if (!c)
		return;
	uint8_t hdr[HDR] = { MAGIC, type, 0, 0 };
	memcpy(hdr + 4, &id, 4);
	memcpy(hdr + 8, &len, 4);
	if (write_peer(c->fd, hdr, HDR) || (len && write_peer(c->fd, payload, len)))
		drop_client(c, 1);
}

static void from_client(void *ctx, uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len)
{
	struct client *c = ctx;
	(void)id; /* a client cannot choose its id: the session's is used */
	if (type == T_CLIENT_OPEN || type == T_CLIENT_STDIN || type == T_CLIENT_SIGNAL || type == T_CLIENT_RESIZE)
		send_frame(type, c->id, payload, len);
}

static int listen_unix(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, 128)) {
		dprintf(2, "drydock-agent: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	chmod(path, 0660);
	return fd;
}

static void setup_client_socket(void)
{
	mkdir("/run/drydock", 0755);
	listen_fd = listen_unix(CLIENT_SOCKET);
	api_fd = listen_unix(API_SOCKET);
}

static void accept_client(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd < 0) {
			clients[i].fd = fd;
			clients[i].id = CLIENT_ID_BASE | next_client++;
			return;
		}
	}
	close(fd); /* not reached: the socket is only polled while a slot is free */
}

static int client_slot_free(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd < 0)
			return 1;
	return 0;
}

static void read_client(struct client *c)
{
	grow(&c->buf, c->len, &c->cap, 8192);
	ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		drop_client(c, 1);
		return;
	}
	if (n < 0)
		return;
	c->len += (size_t)n;
	size_t used = parse_frames(c->buf, c->len, from_client, c);
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
}

/* ---- raw connections to the API socket ---- */

static struct conn *find_conn(uint32_t id)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].fd >= 0 && conns[i].id == id)
			return &conns[i];
	return NULL;
}

static void drop_conn(struct conn *c, int tell_host)
{
	if (tell_host)
		send_frame(T_SOCK_CLOSE, c->id, NULL, 0);
	close(c->fd);
	c->fd = -1;
	c->eof = 0;
}

static int conn_slot_free(void)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].fd < 0)
			return 1;
	return 0;
}

static void accept_conn(void)
{
	int fd = accept4(api_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (conns[i].fd < 0) {
			conns[i].fd = fd;
			conns[i].eof = 0;
			conns[i].id = CONN_ID_BASE | (next_conn++ & 0x3fffffffu);
			send_frame(T_SOCK_OPEN, conns[i].id, NULL, 0);
			return;
		}
	}
	close(fd); /* not reached: the socket is only polled while a slot is free */
}

static void read_conn(struct conn *c)
{
	static uint8_t buf[65536];
	ssize_t n = read(c->fd, buf, sizeof buf);
	if (n > 0) {
		send_frame(T_SOCK_DATA, c->id, buf, (uint32_t)n);
	} else if (n == 0) {
		/* The client shut its side: it may still read the answer. */
		c->eof = 1;
		send_frame(T_SOCK_END, c->id, NULL, 0);
	} else if (errno != EAGAIN && errno != EINTR) {
		drop_conn(c, 1);
	}
}

static void to_conn(uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len)
{
	struct conn *c = find_conn(id);
	if (!c)
		return;
	if (type == T_SOCK_SHUT)
		drop_conn(c, 0);
	else if (len && write_peer(c->fd, payload, len))
		drop_conn(c, 1);
}

/* ---- the engine channel ---- */

static uint8_t *inbuf;
static size_t in_len, in_cap;
static uint32_t acked;

static void from_host(void *ctx, uint8_t type, uint32_t id, const uint8_t *payload, uint32_t len)
{
	(void)ctx;
	if (type == T_CLIENT_OUTPUT || type == T_CLIENT_EXIT || type == T_CLIENT_STDIN_ON)
		relay_to_client(type, id, payload, len);
	else if (type == T_SOCK_WRITE || type == T_SOCK_SHUT)
		to_conn(type, id, payload, len);
	else
		handle_frame(type, id, payload, len);
}

static void read_channel(void)
{
	grow(&inbuf, in_len, &in_cap, 8192);
	ssize_t n = read(chan, inbuf + in_len, in_cap - in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* A hung-up port would poll ready forever: back off, the host will reconnect it. */
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		return;
	}
	in_len += (size_t)n;
	acked += (uint32_t)n;
	send_frame(T_ACK, 0, &acked, 4);
	size_t used = parse_frames(inbuf, in_len, from_host, NULL);
	memmove(inbuf, inbuf + used, in_len - used);
	in_len -= used;
}

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	char c = 0;
	(void)!write(sigpipe_fds[1], &c, 1);
	errno = saved;
}

static void start_console(void)
{
	pid_t pid = fork();
	if (pid != 0) {
		console_pid = pid;
		return;
	}
	reset_signals();
	if (take_terminal(console_dev) != 0)
		_exit(1);
	if (chdir("/root") != 0)
		(void)!chdir("/");
	execl("/bin/sh", "-sh", (char *)NULL);
	_exit(127);
}

static void reap(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == console_pid) {
			/* The learner typed `exit`: give them a fresh shell, as a login would. */
			console_pid = -1;
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			start_console();
			continue;
		}
		for (int i = 0; i < MAX_PROCS; i++)
			if (procs[i].used && procs[i].pid == pid) {
				finish_proc(&procs[i], status);
				break;
			}
	}
}

static void mount_or_warn(const char *source, const char *target, const char *type,
			  unsigned long flags, const char *data)
{
	mkdir(target, 0755);
	if (mount(source, target, type, flags, data) != 0)
		dprintf(2, "init: mount %s on %s: %s\n", type, target, strerror(errno));
}

static int run_and_wait(char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	return status;
}

/* What a distribution's init and fstab would do, for a machine that exists to run containers. */
static void init_system(void)
{
	const unsigned long nsd = MS_NOSUID | MS_NODEV;
	mount_or_warn("proc", "/proc", "proc", nsd | MS_NOEXEC, NULL);
	mount_or_warn("sysfs", "/sys", "sysfs", nsd | MS_NOEXEC, NULL);
	mount_or_warn("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=755");
	mount_or_warn("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666");
	mount_or_warn("tmpfs", "/dev/shm", "tmpfs", nsd, "mode=1777");
	mount_or_warn("cgroup2", "/sys/fs/cgroup", "cgroup2", nsd | MS_NOEXEC, NULL);
	mount_or_warn("tmpfs", "/run", "tmpfs", nsd, "mode=755");
	mount_or_warn("tmpfs", "/tmp", "tmpfs", nsd, "mode=1777");
	/* The engine's layers and containers: overlay upper dirs need a filesystem with xattrs. */
	mount_or_warn("tmpfs", "/var/lib/drydock", "tmpfs", 0, "mode=700");
	/* The 9p share carries bulk files between the engine and the guest. */
	/* cache=loose: lazy image layers are read through this share; without a cache every open
	 * fetches the file again. Shared files always get fresh names, so nothing goes stale. */
	mount_or_warn("host9p", "/mnt/host", "9p", 0, "trans=virtio,version=9p2000.L,msize=512000,cache=loose");
	sethostname("drydock", 7);
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, "lo");
	if (sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(sock, SIOCSIFFLAGS, &ifr);
	}
	if (sock >= 0)
		close(sock);
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "xterm-256color", 1);
	/* Applet links are made here rather than shipped: each cpio entry costs ~1 ms to unpack. */
	char *install[] = { "/bin/busybox", "--install", "-s", "/bin", NULL };
	run_and_wait(install);
	/* The boot banner has been shown; from now on only emergencies (a panic) reach the
	 * learner's terminal, not the kernel's notes about containers (an OOM kill, say). */
	int printk = open("/proc/sys/kernel/printk", O_WRONLY | O_CLOEXEC);
	if (printk >= 0) {
		(void)!write(printk, "1", 1);
		close(printk);
	}
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		init_system();
	const char *chan_dev = argc > 1 ? argv[1] : "/dev/hvc1";
	if (argc > 2)
		console_dev = argv[2];
	if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK))
		return 1;
	struct sigaction sa = { .sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	chan = open(chan_dev, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (chan < 0) {
		dprintf(2, "drydock-agent: open %s: %s\n", chan_dev, strerror(errno));
	} else {
		/* hvc is a tty: make it a clean byte pipe. The settings last while we keep it open. */
		struct termios t;
		if (tcgetattr(chan, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(chan, TCSANOW, &t);
		}
		send_frame(T_HELLO, 0, PROTOCOL_VERSION, sizeof PROTOCOL_VERSION - 1);
	}
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	if (chan >= 0)
		setup_client_socket();
	start_console();

	struct pollfd fds[4 + MAX_CLIENTS + MAX_CONNS + 3 * MAX_PROCS];
	struct { struct proc *p; int which; } owner[4 + MAX_CLIENTS + MAX_CONNS + 3 * MAX_PROCS];
	for (;;) {
		int n = 0;
		fds[n] = (struct pollfd){ sigpipe_fds[0], POLLIN, 0 };
		owner[n].p = NULL;
		owner[n++].which = 0;
		if (chan >= 0) {
			fds[n] = (struct pollfd){ chan, POLLIN, 0 };
			owner[n].p = NULL;
			owner[n++].which = 0;
		}
		if (listen_fd >= 0 && client_slot_free()) {
			fds[n] = (struct pollfd){ listen_fd, POLLIN, 0 };
			owner[n].p = NULL;
			owner[n++].which = 0;
		}
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i].fd >= 0) {
				fds[n] = (struct pollfd){ clients[i].fd, POLLIN, 0 };
				owner[n].p = NULL;
				owner[n++].which = 100 + i;
			}
		}
		if (api_fd >= 0 && conn_slot_free()) {
			fds[n] = (struct pollfd){ api_fd, POLLIN, 0 };
			owner[n].p = NULL;
			owner[n++].which = 0;
		}
		for (int i = 0; i < MAX_CONNS; i++) {
			if (conns[i].fd >= 0 && !conns[i].eof) {
				fds[n] = (struct pollfd){ conns[i].fd, POLLIN, 0 };
				owner[n].p = NULL;
				owner[n++].which = 200 + i;
			}
		}
		for (int i = 0; i < MAX_PROCS; i++) {
			struct proc *p = &procs[i];
			if (!p->used)
				continue;
			if (p->out >= 0) { fds[n] = (struct pollfd){ p->out, POLLIN, 0 }; owner[n].p = p; owner[n++].which = 1; }
			if (p->err >= 0) { fds[n] = (struct pollfd){ p->err, POLLIN, 0 }; owner[n].p = p; owner[n++].which = 2; }
			if (p->in >= 0 && p->pending_len) { fds[n] = (struct pollfd){ p->in, POLLOUT, 0 }; owner[n].p = p; owner[n++].which = 0; }
		}
		if (poll(fds, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			struct proc *p = owner[i].p;
			if (!p) {
				if (owner[i].which >= 200) {
					struct conn *c = &conns[owner[i].which - 200];
					if (c->fd == fds[i].fd)
						read_conn(c);
				} else if (owner[i].which >= 100) {
					struct client *c = &clients[owner[i].which - 100];
					if (c->fd == fds[i].fd)
						read_client(c);
				} else if (fds[i].fd == api_fd) {
					accept_conn();
				} else if (fds[i].fd == chan) {
					read_channel();
				} else if (fds[i].fd == listen_fd) {
					accept_client();
				} else {
					char drain[64];
					while (read(sigpipe_fds[0], drain, sizeof drain) > 0) {}
				}
				continue;
			}
			if (!p->used)
				continue; /* finished earlier in this round */
			if (owner[i].which == 1 && p->out == fds[i].fd)
				pump_output(p, &p->out, T_STDOUT, SIZE_MAX);
			else if (owner[i].which == 2 && p->err == fds[i].fd)
				pump_output(p, &p->err, T_STDERR, SIZE_MAX);
			else if (owner[i].which == 0 && p->in == fds[i].fd) {
				if (fds[i].revents & (POLLERR | POLLHUP)) {
					p->pending_len = 0;
					close_fd(&p->in);
				} else {
					flush_stdin(p);
				}
			}
		}
		reap();
	}
}
