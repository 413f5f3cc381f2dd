/*
 * drydock-run: starts one container process, the job runc does for Docker.
 *
 *   drydock-run --rootfs DIR [--lower A:B:...] [--upper DIR --work DIR] [--hostname NAME]
 *               [--cgroup DIR] [--memory BYTES] [--pids N] [--cpus-quota US]
 *               [--bind SRC:DST[:ro]]... [--tmpfs DST[:OPTS]]... [--env K=V]... [--workdir DIR]
 *               [--user UID[:GID]] [--caps HEXMASK] [--unmasked 1] [--notify-start 1]
 *               [--net host|none|bridge] [--pidfile FILE] -- COMMAND [ARG...]
 *   drydock-run --exec PIDFILE [--cgroup DIR] [--env K=V]... [--workdir DIR] [--user UID[:GID]]
 *               [--caps HEXMASK] -- COMMAND [ARG...]
 *   drydock-run --opaque DIR...        marks directories opaque (overlayfs's xattr)
 *   drydock-run --find-opaque DIR      lists the opaque directories under DIR, relative
 *   drydock-run --net-attach PIDFILE --veth SPEC   connects a running container to a bridge
 *   drydock-run --connect IP:PORT      relays stdin/stdout to a TCP port (the page's preview)
 *
 * Networks (--net bridge): each --veth HOSTIF,BRIDGE,IFNAME,ADDR/PREFIX,MAC,GATEWAY makes a
 * veth pair, HOSTIF on the guest's BRIDGE and IFNAME (with that address and MAC) in the
 * container's network namespace; the first one with a GATEWAY gives the default route. Each
 * --publish tcp,HOSTIP,HOSTPORT,CONTAINERIP,CONTAINERPORT listens on the guest's HOSTIP:HOSTPORT
 * and relays connections to the container (Docker's userland proxy, docker-proxy); the relays
 * live as long as this process. --hosts TEXT is the container's /etc/hosts (with --files).
 *
 * --files DIR writes DIR/hostname, DIR/hosts and DIR/resolv.conf for the container (from
 * --hostname) and binds them over its /etc files, as Docker does.
 * --pidfile records the container's init PID (as the guest sees it); --exec runs another
 * process in that container (`docker exec`): it joins the init's namespaces and cgroup.
 *
 * With --lower, the container's root is an overlay mounted at --rootfs (in the guest's own
 * mount namespace, so the engine can read the container's changes after it stops). Then the
 * process gets new PID, mount, UTS, IPC and (unless --net host) network namespaces, its own
 * /proc, /dev, /dev/pts, /dev/shm and /sys, joins the cgroup, and execs COMMAND as PID 1.
 * The root is entered with MS_MOVE + chroot: the guest runs from its initramfs, where
 * pivot_root is not allowed.
 *
 * drydock-run waits and exits with the container's status (128+N for signal N). Errors before
 * the exec are written to stderr prefixed "drydock-run: " and exit 125 (setup), 126 (command
 * not executable) or 127 (command not found), which the engine turns into Docker's messages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/route.h>
#include <poll.h>

#define MAX_LIST 128

/* The runtime passes every signal it gets on to the container's init, as Docker's shim does:
 * `docker stop` and `docker kill -s` reach PID 1 only, which may ignore them. */
static pid_t forward_to;
/* A signal that came while the container was still being set up (`docker stop` right after
 * `docker run -d`): handed to its init as soon as it exists, instead of killing this process. */
static volatile sig_atomic_t pending_signal;
static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
	else
		pending_signal = sig;
}

static void forward_signals(pid_t child)
{
	forward_to = child;
	struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD && sig != SIGSEGV && sig != SIGBUS &&
		    sig != SIGFPE && sig != SIGILL && sig != SIGTTIN && sig != SIGTTOU && sig != SIGTSTP)
			sigaction(sig, &sa, NULL);
}

/* Looks NAME up in the container's passwd or group file (after chroot); -1 when absent. */
static long lookup_id(const char *file, const char *name, long *gid_out)
{
	FILE *f = fopen(file, "re");
	char line[512];
	long found = -1;
	while (f && fgets(line, sizeof line, f)) {
		char *fields[4] = { 0 };
		char *cur = line;
		for (int k = 0; k < 4 && cur; k++) {
			fields[k] = strsep(&cur, ":");
		}
		if (fields[0] && fields[2] && !strcmp(fields[0], name)) {
			found = atol(fields[2]);
			if (gid_out && fields[3])
				*gid_out = atol(fields[3]);
			break;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* In the container's init before its exec: where a failure is told to the waiting parent. */
static int setup_pipe = -1;

/* One write: the engine recognises the runtime's own errors by their first bytes. */
static void fail(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(msg, sizeof msg, "drydock-run: ");
	n += vsnprintf(msg + n, sizeof msg - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof msg - 2)
		n = (int)sizeof msg - 2;
	msg[n++] = '\n';
	(void)!write(2, msg, (size_t)n);
	if (setup_pipe >= 0)
		(void)!write(setup_pipe, "x", 1);
	exit(code);
}

static void mkdirs(const char *path, mode_t mode)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, mode);
			*p = '/';
		}
	}
	mkdir(tmp, mode);
}

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		fail(125, "write %s: %s", path, strerror(errno));
	close(fd);
}

static void must_mount(const char *src, const char *dst, const char *type, unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) != 0)
		fail(125, "mount %s on %s: %s", type ? type : src, dst, strerror(errno));
}

static void make_dev(const char *root)
{
	char path[4096];
	static const struct { const char *name; unsigned major, minor; } nodes[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	snprintf(path, sizeof path, "%s/dev", root);
	mkdirs(path, 0755);
	must_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		snprintf(path, sizeof path, "%s/dev/%s", root, nodes[i].name);
		if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) != 0)
			fail(125, "mknod %s: %s", path, strerror(errno));
		chmod(path, 0666);
	}
	snprintf(path, sizeof path, "%s/dev/pts", root);
	mkdir(path, 0755);
	must_mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	snprintf(path, sizeof path, "%s/dev/shm", root);
	mkdir(path, 01777);
	must_mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
	static const char *links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		snprintf(path, sizeof path, "%s/dev/%s", root, links[i][1]);
		(void)!symlink(links[i][0], path);
	}
}

/*
 * Capabilities: a container's root keeps only what --caps lists (a bit mask; the engine
 * passes Docker's default set, with --cap-add/--cap-drop applied), so it cannot mount, load
 * modules or reconfigure the guest. The bounding set goes first (that needs CAP_SETPCAP, gone
 * after a switch to another user); what the process holds is cut after the switch.
 */
static unsigned long long keep_caps = ~0ULL;

static void drop_bounding_caps(void)
{
	for (int cap = 0; cap < 64; cap++) {
		if (keep_caps & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno == EINVAL)
			break; /* past the kernel's last capability */
	}
}

static void drop_held_caps(void)
{
	struct { unsigned version; int pid; } header = { 0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0 };
	struct { unsigned effective, permitted, inheritable; } data[2];
	if (keep_caps == ~0ULL || syscall(SYS_capget, &header, data) != 0)
		return;
	for (int k = 0; k < 2; k++) {
		unsigned mask = (unsigned)(keep_caps >> (32 * k));
		data[k].effective &= mask;
		data[k].permitted &= mask;
		data[k].inheritable &= mask;
	}
	if (syscall(SYS_capset, &header, data) != 0)
		fail(125, "capset: %s", strerror(errno));
}

/*
 * What Docker hides or makes read-only in /proc and /sys (its default masked and read-only
 * paths): kernel memory and keys, and the knobs that would reach the whole guest — a write to
 * /proc/sysrq-trigger could crash it. Paths the kernel does not have are skipped.
 */
static void mask_paths(const char *root)
{
	static const char *masked[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
					"/proc/latency_stats", "/proc/timer_stats", "/proc/acpi", "/proc/scsi", "/sys/firmware" };
	static const char *readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };
	char path[4096];
	struct stat st;
	for (size_t k = 0; k < sizeof masked / sizeof masked[0]; k++) {
		snprintf(path, sizeof path, "%s%s", root, masked[k]);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			must_mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0");
		else
			must_mount("/dev/null", path, NULL, MS_BIND, NULL);
	}
	for (size_t k = 0; k < sizeof readonly / sizeof readonly[0]; k++) {
		snprintf(path, sizeof path, "%s%s", root, readonly[k]);
		if (stat(path, &st) != 0)
			continue;
		must_mount(path, path, NULL, MS_BIND | MS_REC, NULL);
		must_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
	}
}

/* The user, working directory and environment a container process runs with, then exec. */
static void become(const char *workdir, const char *user, char **envs, char **cmd)
{
	uid_t uid = 0;
	gid_t gid = 0;
	if (user && *user) {
		/* USER[:GROUP], each a number or a name from the container's own files. */
		char spec[256], *group;
		snprintf(spec, sizeof spec, "%s", user);
		group = strchr(spec, ':');
		if (group)
			*group++ = 0;
		char *end;
		long primary = -1;
		long u = strtol(spec, &end, 10);
		if (*end || end == spec) {
			u = lookup_id("/etc/passwd", spec, &primary);
			if (u < 0)
				fail(125, "unable to find user %s: no matching entries in passwd file", spec);
		} else {
			lookup_id("/etc/passwd", spec, &primary); /* the numeric user's group, if listed */
		}
		uid = (uid_t)u;
		gid = primary >= 0 ? (gid_t)primary : (gid_t)u;
		if (group) {
			long g = strtol(group, &end, 10);
			if (*end || end == group) {
				g = lookup_id("/etc/group", group, NULL);
				if (g < 0)
					fail(125, "unable to find group %s: no matching entries in group file", group);
			}
			gid = (gid_t)g;
		}
	}
	if (chdir(workdir) != 0) {
		mkdirs(workdir, 0755);
		if (chdir(workdir) != 0)
			fail(125, "chdir %s: %s", workdir, strerror(errno));
	}
	drop_bounding_caps();
	/* As runc does: the primary group is also the (only) supplementary group. */
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		fail(125, "cannot set user %s: %s", user ? user : "0", strerror(errno));
	drop_held_caps();
	extern char **environ;
	environ = envs;
	execvp(cmd[0], cmd);
	if (errno == ENOENT)
		fail(127, "exec: \"%s\": executable file not found in $PATH", cmd[0]);
	fail(126, "exec: \"%s\": %s", cmd[0], strerror(errno));
}

static int exec_in_container(const char *pidfile, const char *cgroup, char **envs, const char *workdir,
			     const char *user, char **cmd)
{
	char buf[32], path[256];
	int pid = 0;
	/*
	 * The engine counts a container as running from the moment it starts it; the pidfile
	 * appears once the container's command has exec'd (a stale one may be left from its last
	 * run). So an exec right after `docker run -d` waits for it, up to 5 s.
	 */
	for (int tries = 0; tries < 250 && !pid; tries++) {
		memset(buf, 0, sizeof buf);
		int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (read(fd, buf, sizeof buf - 1) > 0) {
				snprintf(path, sizeof path, "/proc/%d/ns/mnt", atoi(buf));
				if (access(path, F_OK) == 0)
					pid = atoi(buf);
			}
			close(fd);
		}
		if (!pid)
			usleep(20000);
	}
	if (!pid)
		fail(125, "container is not running");
	if (cgroup) {
		snprintf(path, sizeof path, "%s/cgroup.procs", cgroup);
		write_file(path, "0");
	}
	/* Open everything first: after joining the mount namespace these paths are gone. */
	static const char *kinds[] = { "cgroup", "ipc", "uts", "net", "pid", "mnt" };
	int ns[6];
	for (int k = 0; k < 6; k++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", pid, kinds[k]);
		ns[k] = open(path, O_RDONLY | O_CLOEXEC);
		if (ns[k] < 0)
			fail(125, "container is not running (%s: %s)", path, strerror(errno));
	}
	snprintf(path, sizeof path, "/proc/%d/root", pid);
	int root = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		fail(125, "open %s: %s", path, strerror(errno));
	for (int k = 0; k < 6; k++)
		if (setns(ns[k], 0) != 0)
			fail(125, "setns %s: %s", kinds[k], strerror(errno));
	/* Joining a mount namespace puts us at its bottom mount; the container's root is the one
	 * its init sees. */
	if (fchdir(root) != 0 || chroot(".") != 0)
		fail(125, "enter the container's root: %s", strerror(errno));
	pid_t child = fork(); /* the PID namespace applies to children */
	if (child < 0)
		fail(125, "fork: %s", strerror(errno));
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		become(workdir, user, envs, cmd);
	}
	forward_signals(child);
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			fail(125, "wait: %s", strerror(errno));
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * Opaque directories: a directory deleted and made again in a layer hides everything the
 * layers below had in it. overlayfs records that as an xattr, which busybox tar can neither
 * write nor read, so the engine asks for it here when it turns an upper dir into a layer and
 * when it unpacks one.
 */
static const char OPAQUE_XATTR[] = "trusted.overlay.opaque";

static void find_opaque(const char *root, const char *rel)
{
	char path[4096], value[4];
	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	if (*rel && lgetxattr(path, OPAQUE_XATTR, value, sizeof value) == 1 && value[0] == 'y')
		printf("%s\n", rel);
	DIR *dir = opendir(path);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char child[4096];
		snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		find_opaque(root, child);
	}
	closedir(dir);
}

/*
 * Container networking. Only the veth pair needs rtnetlink (its peer is created straight into
 * the container's namespace, under its final name); addresses, flags and routes use the
 * classic ioctls. The netlink structures are spelled out here: musl's headers do not carry
 * the kernel's, and these are a stable ABI.
 */
struct nl_hdr { unsigned len; unsigned short type, flags; unsigned seq, pid; };
struct nl_ifinfo { unsigned char family, pad; unsigned short type; int index; unsigned flags, change; };
struct nl_attr { unsigned short len, type; };
enum { RTM_NEWLINK_ = 16, NLMSG_ERROR_ = 2, NLF_REQUEST = 1, NLF_ACK = 4, NLF_EXCL = 0x200, NLF_CREATE = 0x400 };
enum { IFLA_ADDRESS_ = 1, IFLA_IFNAME_ = 3, IFLA_MASTER_ = 10, IFLA_LINKINFO_ = 18, IFLA_NET_NS_FD_ = 28 };
enum { IFLA_INFO_KIND_ = 1, IFLA_INFO_DATA_ = 2, VETH_INFO_PEER_ = 1 };

struct nl_msg { char buf[1024]; size_t len; };
#define NL_ALIGN(n) (((n) + 3u) & ~3u)

static size_t nl_put(struct nl_msg *m, unsigned short type, const void *data, size_t size)
{
	size_t at = m->len;
	struct nl_attr a = { (unsigned short)(sizeof a + size), type };
	memcpy(m->buf + at, &a, sizeof a);
	if (size)
		memcpy(m->buf + at + sizeof a, data, size);
	m->len = at + NL_ALIGN(sizeof a + size);
	return at;
}

/* Closes a nested attribute opened at `at`: its length covers everything added since. */
static void nl_end(struct nl_msg *m, size_t at)
{
	unsigned short len = (unsigned short)(m->len - at);
	memcpy(m->buf + at, &len, sizeof len);
}

static void nl_talk(struct nl_msg *m, const char *what)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0 /* NETLINK_ROUTE */);
	if (fd < 0)
		fail(125, "netlink: %s", strerror(errno));
	struct nl_hdr h;
	memcpy(&h, m->buf, sizeof h);
	h.len = (unsigned)m->len;
	memcpy(m->buf, &h, sizeof h);
	if (send(fd, m->buf, m->len, 0) < 0)
		fail(125, "%s: %s", what, strerror(errno));
	char reply[1024];
	ssize_t n = recv(fd, reply, sizeof reply, 0);
	close(fd);
	if (n < (ssize_t)(sizeof h + sizeof(int)))
		fail(125, "%s: no answer from the kernel", what);
	struct nl_hdr r;
	memcpy(&r, reply, sizeof r);
	int err;
	memcpy(&err, reply + sizeof r, sizeof err);
	if (r.type == NLMSG_ERROR_ && err)
		fail(125, "%s: %s", what, strerror(-err));
}

static void ifreq_for(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof *ifr);
	snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
}

static void set_ipv4(int sock, unsigned long request, const char *ifname, struct sockaddr *addr, const char *what)
{
	struct ifreq ifr;
	ifreq_for(&ifr, ifname);
	memcpy(&ifr.ifr_addr, addr, sizeof(struct sockaddr_in));
	if (ioctl(sock, request, &ifr) != 0)
		fail(125, "%s %s: %s", what, ifname, strerror(errno));
}

static void link_up(int sock, const char *ifname)
{
	struct ifreq ifr;
	ifreq_for(&ifr, ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
		fail(125, "%s: %s", ifname, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0)
		fail(125, "bring up %s: %s", ifname, strerror(errno));
}

static struct sockaddr_in inet_addr_of(const char *text, const char *what)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, text, &a.sin_addr) != 1)
		fail(125, "bad %s address %s", what, text);
	return a;
}

/*
 * --veth HOSTIF,BRIDGE,IFNAME,ADDR/PREFIX,MAC,GATEWAY: called in the guest's own network
 * namespace with `container_ns` open; returns there. The peer is made inside the container's
 * namespace, then configured from in there.
 */
static void connect_veth(const char *spec, int host_ns, int container_ns, int *default_route_set)
{
	char copy[512], *field[6] = { 0 }, *cur = copy;
	snprintf(copy, sizeof copy, "%s", spec);
	for (int k = 0; k < 6; k++)
		field[k] = strsep(&cur, ",");
	if (!field[5] || !*field[0] || !*field[1] || !*field[2] || !strchr(field[3], '/'))
		fail(125, "bad --veth %s", spec);
	const char *hostif = field[0], *bridge = field[1], *ifname = field[2], *mac = field[4], *gateway = field[5];
	char *prefix = strchr(field[3], '/');
	*prefix++ = 0;
	unsigned master = if_nametoindex(bridge);
	if (!master)
		fail(125, "network bridge %s: %s", bridge, strerror(errno));
	unsigned char hw[6];
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &hw[0], &hw[1], &hw[2], &hw[3], &hw[4], &hw[5]) != 6)
		fail(125, "bad MAC address %s", mac);

	struct nl_msg m = { .len = 0 };
	struct nl_hdr h = { 0, RTM_NEWLINK_, NLF_REQUEST | NLF_ACK | NLF_CREATE | NLF_EXCL, 1, 0 };
	struct nl_ifinfo info = { .family = AF_UNSPEC, .flags = IFF_UP, .change = IFF_UP };
	memcpy(m.buf, &h, sizeof h);
	memcpy(m.buf + sizeof h, &info, sizeof info);
	m.len = sizeof h + sizeof info;
	nl_put(&m, IFLA_IFNAME_, hostif, strlen(hostif) + 1);
	nl_put(&m, IFLA_MASTER_, &master, sizeof master);
	size_t linkinfo = nl_put(&m, IFLA_LINKINFO_, NULL, 0);
	nl_put(&m, IFLA_INFO_KIND_, "veth", 5);
	size_t data = nl_put(&m, IFLA_INFO_DATA_, NULL, 0);
	size_t peer = nl_put(&m, VETH_INFO_PEER_, NULL, 0);
	struct nl_ifinfo peer_info = { .family = AF_UNSPEC };
	memcpy(m.buf + m.len, &peer_info, sizeof peer_info);
	m.len += sizeof peer_info;
	nl_put(&m, IFLA_IFNAME_, ifname, strlen(ifname) + 1);
	nl_put(&m, IFLA_ADDRESS_, hw, sizeof hw);
	unsigned nsfd = (unsigned)container_ns;
	nl_put(&m, IFLA_NET_NS_FD_, &nsfd, sizeof nsfd);
	nl_end(&m, peer);
	nl_end(&m, data);
	nl_end(&m, linkinfo);
	nl_talk(&m, "create veth pair");

	if (setns(container_ns, CLONE_NEWNET) != 0)
		fail(125, "enter the container's network: %s", strerror(errno));
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = inet_addr_of(field[3], "IP");
	set_ipv4(sock, SIOCSIFADDR, ifname, (struct sockaddr *)&addr, "address");
	int bits = atoi(prefix);
	struct sockaddr_in mask = { .sin_family = AF_INET };
	mask.sin_addr.s_addr = htonl(bits ? 0xffffffffu << (32 - bits) : 0);
	set_ipv4(sock, SIOCSIFNETMASK, ifname, (struct sockaddr *)&mask, "netmask");
	link_up(sock, ifname);
	if (*gateway && !*default_route_set) {
		struct rtentry route = { 0 };
		struct sockaddr_in any = { .sin_family = AF_INET }, gw = inet_addr_of(gateway, "gateway");
		memcpy(&route.rt_dst, &any, sizeof any);
		memcpy(&route.rt_genmask, &any, sizeof any);
		memcpy(&route.rt_gateway, &gw, sizeof gw);
		route.rt_flags = RTF_UP | RTF_GATEWAY;
		route.rt_dev = (char *)ifname;
		if (ioctl(sock, SIOCADDRT, &route) != 0)
			fail(125, "default route via %s: %s", gateway, strerror(errno));
		*default_route_set = 1;
	}
	close(sock);
	if (setns(host_ns, CLONE_NEWNET) != 0)
		fail(125, "back to the guest's network: %s", strerror(errno));
}

/*
 * Copies both ways between A and B until both have finished sending; a half-close is passed
 * on. For the preview (A is stdio) it ends when B, the server, has: it answered and closed.
 */
static void relay(int in_a, int out_a, int in_b, int out_b, int stdio)
{
	char buf[16384];
	int open_a = 1, open_b = 1;
	while (open_a || open_b) {
		struct pollfd p[2] = { { open_a ? in_a : -1, POLLIN, 0 }, { open_b ? in_b : -1, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int k = 0; k < 2; k++) {
			if (!p[k].revents)
				continue;
			int from = k ? in_b : in_a, to = k ? out_a : out_b;
			ssize_t n = read(from, buf, sizeof buf);
			if (n <= 0) {
				/* One side is done sending: pass the half-close on (a socket, not stdout). */
				if (k) open_b = 0; else open_a = 0;
				if (!stdio)
					shutdown(to, SHUT_WR);
				continue;
			}
			for (ssize_t done = 0; done < n;) {
				ssize_t w = write(to, buf + done, (size_t)(n - done));
				if (w <= 0)
					return;
				done += w;
			}
		}
		if (stdio && !open_b)
			return;
	}
}

static int tcp_connect(struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)to, sizeof *to) != 0)
		return -1;
	return fd;
}

static struct sockaddr_in inet_endpoint(const char *ip, const char *port)
{
	struct sockaddr_in a = inet_addr_of(ip, "IP");
	a.sin_port = htons((unsigned short)atoi(port));
	return a;
}

/*
 * --publish tcp,HOSTIP,HOSTPORT,CONTAINERIP,CONTAINERPORT: binds now (so that a taken port
 * fails the start), then a child accepts and relays each connection in a process of its own.
 */
static void publish(const char *spec)
{
	char copy[256], *field[5] = { 0 }, *cur = copy;
	snprintf(copy, sizeof copy, "%s", spec);
	for (int k = 0; k < 5; k++)
		field[k] = strsep(&cur, ",");
	if (!field[4] || strcmp(field[0], "tcp"))
		fail(125, "bad --publish %s", spec);
	struct sockaddr_in listen_on = inet_endpoint(field[1], field[2]), target = inet_endpoint(field[3], field[4]);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&listen_on, sizeof listen_on) != 0 || listen(lfd, 64) != 0)
		fail(125, "Bind for %s:%s failed: %s", field[1], field[2], errno == EADDRINUSE ? "port is already allocated" : strerror(errno));
	pid_t proxy = fork();
	if (proxy < 0)
		fail(125, "fork: %s", strerror(errno));
	if (proxy > 0) {
		close(lfd);
		return;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGCHLD, SIG_IGN); /* connections' processes reap themselves */
	for (;;) {
		int client = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (client < 0)
			continue;
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(lfd);
			int server = tcp_connect(&target);
			if (server >= 0)
				relay(client, client, server, server, 0);
			_exit(0);
		}
		close(client);
	}
}

/* --connect IP:PORT: the page's preview reaches a port of the guest through this. */
static int connect_stdio(const char *endpoint)
{
	char copy[64];
	snprintf(copy, sizeof copy, "%s", endpoint);
	char *port = strrchr(copy, ':');
	if (!port)
		fail(2, "usage: drydock-run --connect IP:PORT");
	*port++ = 0;
	struct sockaddr_in to = inet_endpoint(copy, port);
	int fd = tcp_connect(&to);
	if (fd < 0)
		fail(3, "connect %s: %s", endpoint, strerror(errno));
	relay(0, 1, fd, fd, 1);
	return 0;
}

/* --net-attach PIDFILE --veth SPEC: `docker network connect` for a running container. */
static int attach_network(const char *pidfile, const char *spec)
{
	char buf[32] = { 0 }, path[64];
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0)
		fail(125, "container is not running");
	close(fd);
	snprintf(path, sizeof path, "/proc/%d/ns/net", atoi(buf));
	int container_ns = open(path, O_RDONLY | O_CLOEXEC), host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (container_ns < 0 || host_ns < 0)
		fail(125, "container is not running");
	int route = 1; /* the container keeps the default route it has */
	connect_veth(spec, host_ns, container_ns, &route);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--opaque")) {
		for (int k = 2; k < argc; k++)
			if (lsetxattr(argv[k], OPAQUE_XATTR, "y", 1, 0) != 0)
				fail(1, "opaque %s: %s", argv[k], strerror(errno));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--find-opaque")) {
		find_opaque(argv[2], "");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--connect"))
		return connect_stdio(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "--net-attach") && !strcmp(argv[3], "--veth"))
		return attach_network(argv[2], argv[4]);

	const char *rootfs = NULL, *lower = NULL, *upper = NULL, *work = NULL, *hostname = NULL;
	const char *cgroup = NULL, *memory = NULL, *pids = NULL, *cpus = NULL, *workdir = "/", *user = NULL;
	const char *net = "none", *pidfile = NULL, *exec_pidfile = NULL, *files = NULL, *hosts = NULL;
	char file_binds[3][4200];
	char *envs[MAX_LIST + 1] = { 0 }, *binds[MAX_LIST + 1] = { 0 }, *tmpfs[MAX_LIST + 1] = { 0 };
	char *veths[MAX_LIST + 1] = { 0 }, *published[MAX_LIST + 1] = { 0 };
	int nenv = 0, nbind = 0, ntmpfs = 0, nveth = 0, npublish = 0, unmasked = 0, notify_start = 0, i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			fail(125, "%s needs a value", a);
		const char *v = argv[++i];
		if (!strcmp(a, "--rootfs")) rootfs = v;
		else if (!strcmp(a, "--lower")) lower = v;
		else if (!strcmp(a, "--upper")) upper = v;
		else if (!strcmp(a, "--work")) work = v;
		else if (!strcmp(a, "--hostname")) hostname = v;
		else if (!strcmp(a, "--cgroup")) cgroup = v;
		else if (!strcmp(a, "--memory")) memory = v;
		else if (!strcmp(a, "--pids")) pids = v;
		else if (!strcmp(a, "--cpus-quota")) cpus = v;
		else if (!strcmp(a, "--workdir")) workdir = v;
		else if (!strcmp(a, "--user")) user = v;
		else if (!strcmp(a, "--net")) net = v;
		else if (!strcmp(a, "--pidfile")) pidfile = v;
		else if (!strcmp(a, "--exec")) exec_pidfile = v;
		else if (!strcmp(a, "--files")) files = v;
		else if (!strcmp(a, "--env") && nenv < MAX_LIST) envs[nenv++] = (char *)v;
		else if (!strcmp(a, "--bind") && nbind < MAX_LIST) binds[nbind++] = (char *)v;
		else if (!strcmp(a, "--tmpfs") && ntmpfs < MAX_LIST) tmpfs[ntmpfs++] = (char *)v;
		else if (!strcmp(a, "--veth") && nveth < MAX_LIST) veths[nveth++] = (char *)v;
		else if (!strcmp(a, "--publish") && npublish < MAX_LIST) published[npublish++] = (char *)v;
		else if (!strcmp(a, "--hosts")) hosts = v;
		else if (!strcmp(a, "--caps")) keep_caps = strtoull(v, NULL, 16);
		else if (!strcmp(a, "--unmasked")) unmasked = !strcmp(v, "1");
		else if (!strcmp(a, "--notify-start")) notify_start = !strcmp(v, "1");
		else fail(125, "unknown option %s", a);
	}
	if ((!rootfs && !exec_pidfile) || i >= argc)
		fail(125, "usage: drydock-run --rootfs DIR [options] -- COMMAND [ARG...]");
	char **cmd = argv + i;
	if (exec_pidfile)
		return exec_in_container(exec_pidfile, cgroup, envs, workdir, user, cmd);
	/* A pidfile from the last run names a process that is gone (its PID may be reused). */
	if (pidfile)
		unlink(pidfile);

	if (lower) {
		char opts[8192];
		mkdirs(rootfs, 0755);
		if (upper && work) {
			mkdirs(upper, 0755);
			mkdirs(work, 0755);
			snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
		} else {
			snprintf(opts, sizeof opts, "lowerdir=%s", lower);
		}
		struct stat st;
		/* A restarted container reuses its mount. */
		char probe[4096];
		snprintf(probe, sizeof probe, "%s/.", rootfs);
		struct stat parent;
		char up[4096];
		snprintf(up, sizeof up, "%s/..", rootfs);
		if (stat(probe, &st) || stat(up, &parent) || st.st_dev == parent.st_dev)
			must_mount("overlay", rootfs, "overlay", 0, opts);
	}
	if (files) {
		/* The files Docker writes for each container: its name, its hosts, its resolver. */
		static const char *names[] = { "hostname", "hosts", "resolv.conf" };
		const char *h = hostname ? hostname : "localhost";
		char content[3][8192];
		snprintf(content[0], sizeof content[0], "%s\n", h);
		if (hosts)
			snprintf(content[1], sizeof content[1], "%s", hosts);
		else
			snprintf(content[1], sizeof content[1],
				 "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n", h);
		snprintf(content[2], sizeof content[2], "nameserver 127.0.0.11\noptions ndots:0\n");
		mkdirs(files, 0755);
		for (int k = 0; k < 3; k++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", files, names[k]);
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0 || write(fd, content[k], strlen(content[k])) < 0)
				fail(125, "write %s: %s", path, strerror(errno));
			close(fd);
			snprintf(file_binds[k], sizeof file_binds[k], "%s:/etc/%s", path, names[k]);
			if (nbind < MAX_LIST)
				binds[nbind++] = file_binds[k];
		}
	}
	if (cgroup) {
		char path[4096];
		mkdirs(cgroup, 0755);
		if (memory) {
			snprintf(path, sizeof path, "%s/memory.max", cgroup);
			write_file(path, memory);
			snprintf(path, sizeof path, "%s/memory.swap.max", cgroup);
			int fd = open(path, O_WRONLY); /* no swap in the guest; absent files are fine */
			if (fd >= 0) { (void)!write(fd, "0", 1); close(fd); }
		}
		if (pids) {
			snprintf(path, sizeof path, "%s/pids.max", cgroup);
			write_file(path, pids);
		}
		if (cpus) {
			char quota[64];
			snprintf(quota, sizeof quota, "%s 100000", cpus);
			snprintf(path, sizeof path, "%s/cpu.max", cgroup);
			write_file(path, quota);
		}
	}

	forward_signals(0);
	/* Published ports listen in the guest's own network namespace: bound before it is left. */
	for (int p = 0; p < npublish; p++)
		publish(published[p]);
	int host_ns = nveth ? open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC) : -1;
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID;
	if (strcmp(net, "host") != 0)
		flags |= CLONE_NEWNET;
	if (unshare(flags) != 0)
		fail(125, "unshare: %s", strerror(errno));
	if (nveth && (flags & CLONE_NEWNET)) {
		int container_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), route = 0;
		if (host_ns < 0 || container_ns < 0 || setns(host_ns, CLONE_NEWNET) != 0)
			fail(125, "network namespaces: %s", strerror(errno));
		for (int v = 0; v < nveth; v++)
			connect_veth(veths[v], host_ns, container_ns, &route);
		if (setns(container_ns, CLONE_NEWNET) != 0)
			fail(125, "enter the container's network: %s", strerror(errno));
		close(container_ns);
		close(host_ns);
	}
	if (flags & CLONE_NEWNET) {
		/* A new network namespace starts with lo down; Docker brings it up. */
		int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct ifreq ifr = { 0 };
		strcpy(ifr.ifr_name, "lo");
		if (sock < 0 || ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
			fail(125, "lo: %s", strerror(errno));
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0)
			fail(125, "bring up lo: %s", strerror(errno));
		close(sock);
	}

	/* A close-on-exec pipe tells the parent when the container's command is running: it reads
	 * EOF once the exec succeeded (runc's exec fifo does the same). Only then is the pidfile
	 * written, so `docker exec` never joins a container that is still being set up. */
	int started[2];
	if (pipe2(started, O_CLOEXEC) != 0)
		fail(125, "pipe: %s", strerror(errno));
	pid_t child = fork();
	if (child < 0)
		fail(125, "fork: %s", strerror(errno));
	if (child > 0) {
		forward_to = child;
		if (pending_signal)
			kill(child, pending_signal);
		close(started[1]);
		char failed;
		ssize_t got;
		while ((got = read(started[0], &failed, 1)) < 0 && errno == EINTR) {}
		close(started[0]);
		/* --notify-start: the engine learns that the command runs (EOF without a byte: the
		 * exec closed the pipe) from a mark on stderr, an OSC sequence a terminal ignores. */
		if (notify_start && got == 0)
			(void)!write(2, "\033]7777;drydock-started\007", 23);
		if (pidfile) {
			char pid[32];
			int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			int n = snprintf(pid, sizeof pid, "%d\n", (int)child);
			if (fd < 0 || write(fd, pid, (size_t)n) != n)
				fail(125, "write %s: %s", pidfile, strerror(errno));
			close(fd);
		}
		int status;
		while (waitpid(child, &status, 0) < 0)
			if (errno != EINTR)
				fail(125, "wait: %s", strerror(errno));
		if (pidfile)
			unlink(pidfile);
		return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	}

	/* PID 1 of the container from here on. */
	close(started[0]);
	setup_pipe = started[1];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (cgroup) {
		char path[4096];
		snprintf(path, sizeof path, "%s/cgroup.procs", cgroup);
		write_file(path, "0");
		/* Its own cgroup is the root of what it sees in /sys/fs/cgroup, as with Docker. */
		if (unshare(CLONE_NEWCGROUP) != 0)
			fail(125, "unshare cgroup: %s", strerror(errno));
	}
	must_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (hostname && sethostname(hostname, strlen(hostname)) != 0)
		fail(125, "sethostname: %s", strerror(errno));
	char path[4096];
	snprintf(path, sizeof path, "%s/proc", rootfs);
	mkdirs(path, 0555);
	must_mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	snprintf(path, sizeof path, "%s/sys", rootfs);
	mkdirs(path, 0555);
	if (flags & CLONE_NEWNET) {
		must_mount("sysfs", path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL);
		if (cgroup) {
			snprintf(path, sizeof path, "%s/sys/fs/cgroup", rootfs);
			must_mount("cgroup2", path, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC | (unmasked ? 0 : MS_RDONLY), NULL);
		}
	}
	make_dev(rootfs);
	if (!unmasked)
		mask_paths(rootfs);
	for (int b = 0; b < nbind; b++) {
		char spec[4096], *src = spec, *dst, *mode;
		snprintf(spec, sizeof spec, "%s", binds[b]);
		dst = strchr(spec, ':');
		if (!dst)
			fail(125, "bad bind %s", binds[b]);
		*dst++ = 0;
		mode = strchr(dst, ':');
		if (mode)
			*mode++ = 0;
		snprintf(path, sizeof path, "%s%s", rootfs, dst);
		struct stat st;
		if (stat(src, &st) != 0)
			fail(125, "bind source %s: %s", src, strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			mkdirs(path, 0755);
		} else if (access(path, F_OK) != 0) {
			char dir[4096];
			snprintf(dir, sizeof dir, "%s", path);
			*strrchr(dir, '/') = 0;
			mkdirs(dir, 0755);
			close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		}
		must_mount(src, path, NULL, MS_BIND | MS_REC, NULL);
		if (mode && !strcmp(mode, "ro"))
			must_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	}
	/* --tmpfs DST[:OPTIONS]: a fresh tmpfs, as `docker run --tmpfs` (default mode 1777). */
	for (int t = 0; t < ntmpfs; t++) {
		char spec[4096], *opts;
		snprintf(spec, sizeof spec, "%s", tmpfs[t]);
		opts = strchr(spec, ':');
		if (opts)
			*opts++ = 0;
		snprintf(path, sizeof path, "%s%s", rootfs, spec);
		mkdirs(path, 0755);
		must_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts && *opts ? opts : "mode=1777");
	}
	if (chdir(rootfs) != 0)
		fail(125, "chdir %s: %s", rootfs, strerror(errno));
	must_mount(rootfs, "/", NULL, MS_MOVE, NULL);
	if (chroot(".") != 0)
		fail(125, "chroot: %s", strerror(errno));
	if (chdir("/") != 0)
		fail(125, "chdir /: %s", strerror(errno));

	/* The image's user and working directory, as Docker applies them. */
	become(workdir, user, envs, cmd);
	return 125;
}
