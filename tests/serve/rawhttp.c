/*
 * rawhttp.c — sends raw bytes to 127.0.0.1:PORT and says what came back,
 * for the hostile-request checks of tests/serve/hostile.sh (what curl will
 * not send: half a request, a malformed request line).
 *
 *   rawhttp PORT TEXT [HOLD]
 *
 * TEXT is sent as is after "\r" and "\n" escapes are turned into CR and LF;
 * then, when HOLD (seconds) is given, nothing more is sent for that long
 * while the answer is awaited. Prints the status line of the answer
 * ("HTTP/1.1 400 Bad Request"), or "closed" when the server closed the
 * connection without answering, or "timeout" when neither happened within
 * HOLD + 5 seconds. Only 127.0.0.1 is ever contacted.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: rawhttp PORT TEXT [HOLD]\n");
		return 2;
	}
	int port = atoi(argv[1]), hold = argc > 3 ? atoi(argv[3]) : 0;
	size_t n = strlen(argv[2]), m = 0;
	char *msg = malloc(n + 1);
	if (!msg)
		return 2;
	for (size_t i = 0; i < n; i++) {
		if (argv[2][i] == '\\' && i + 1 < n && (argv[2][i + 1] == 'r' || argv[2][i + 1] == 'n')) {
			msg[m++] = argv[2][i + 1] == 'r' ? '\r' : '\n';
			i++;
		} else {
			msg[m++] = argv[2][i];
		}
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		printf("cannot connect: %s\n", strerror(errno));
		free(msg);
		return 1;
	}
	for (size_t off = 0; off < m;) {
		ssize_t w = send(fd, msg + off, m - off, MSG_NOSIGNAL);
		if (w <= 0) {
			printf("closed\n");
			goto done;
		}
		off += (size_t)w;
	}
	char buf[4096];
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, (hold + 5) * 1000);
	if (r == 0) {
		printf("timeout\n");
		goto done;
	}
	ssize_t k = recv(fd, buf, sizeof buf - 1, 0);
	if (k <= 0) {
		printf("closed\n");
		goto done;
	}
	buf[k] = '\0';
	char *eol = strstr(buf, "\r\n");
	if (eol)
		*eol = '\0';
	printf("%s\n", buf);
done:
	close(fd);
	free(msg);
	fflush(stdout);
	return 0;
}
