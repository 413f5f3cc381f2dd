/* hello-world for Drydock: says what just happened, step by step, in the terms the lessons use. */
#include <unistd.h>

static const char message[] =
	"\n"
	"Hello from Drydock!\n"
	"This message shows that your installation appears to be working correctly.\n"
	"\n"
	"What just happened, step by step:\n"
	" 1. The docker client (the `docker` command you typed) sent your request to the\n"
	"    Docker daemon through its API.\n"
	" 2. The daemon looked for the \"hello-world\" image. If it was not here yet, it pulled it\n"
	"    from the registry, layer by layer.\n"
	" 3. The daemon created a container from that image: new namespaces (its own processes,\n"
	"    hostname, network) and a writable layer on top of the image's read-only ones.\n"
	" 4. The daemon started the program inside it (this one), and streamed its output to the\n"
	"    client, which printed it in your terminal.\n"
	"\n"
	"To try something more ambitious, you can run a shell in a container with:\n"
	" $ docker run -it busybox sh\n"
	"\n"
	"Everything here runs in your browser: a real Linux kernel, real containers.\n"
	"\n";

int main(void)
{
	return write(1, message, sizeof message - 1) == (long)(sizeof message - 1) ? 0 : 1;
}
