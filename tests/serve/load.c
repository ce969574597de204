/*
 * load.c — the load test of `fallout serve` (docs/serve.md, docs/benchmarks.md):
 * N clients, each a thread with one HTTP/1.1 keep-alive connection to
 * 127.0.0.1 (never another host), send random what-ifs for D seconds or
 * until M requests in all, whichever comes first. Records every status and
 * latency, and the server's resident memory (VmRSS of /proc/PID/status)
 * after the warm-up and at the end.
 *
 *   load --port P --pid PID --ids FILE [--clients 8] [--seconds 5]
 *        [--max-requests 1000000] [--warmup 1] [--max-growth 20]
 *
 * FILE holds node ids, one a line; each what-if fails 1 to 3 of them
 * (70 % one, 20 % two, 10 % three), asking list=nodes&limit=10 so that
 * "total" gives the impacted nodes. Prints key=value lines: requests,
 * errors, rps, p50_ms, p99_ms, small_* (what-ifs of fewer than 10,000
 * impacted nodes), rss_warm_kb, rss_end_kb. Exit 1 when a request failed
 * (a status other than 200, a closed or broken connection) or when the RSS
 * at the end exceeds the RSS after the warm-up by more than max-growth
 * percent; 2 on a usage error. The assertion is on memory and errors,
 * never on time.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SMALL 10000 /* impacted nodes of a "small" what-if */

static int port;
static char **ids;
static size_t nids;
static double deadline;
static atomic_long budget;

typedef struct sample {
	uint32_t us;
	uint32_t impacted;
} sample;

typedef struct client {
	pthread_t th;
	unsigned seed;
	sample *s;
	size_t n, cap;
	long errors;
	char first_error[160];
} client;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *urlenc(const char *s)
{
	char *o = malloc(3 * strlen(s) + 1), *p = o;
	if (!o)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return o;
}

static int connect_local(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { 0 };
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned rnd(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void fail(client *c, const char *what)
{
	if (!c->errors++)
		snprintf(c->first_error, sizeof c->first_error, "%s", what);
}

/* One request/response on fd. Returns the status, -1 on I/O failure;
 * *impacted from "total". */
static int exchange(int fd, const char *req, size_t len, char **buf, size_t *cap, long *impacted)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	size_t got = 0, need = 0, head = 0;
	for (;;) {
		if (got + 4096 > *cap) {
			size_t nc = *cap * 2 + 8192;
			char *nb = realloc(*buf, nc);
			if (!nb)
				return -1;
			*buf = nb;
			*cap = nc;
		}
		ssize_t k = recv(fd, *buf + got, *cap - got - 1, 0);
		if (k <= 0)
			return -1;
		got += (size_t)k;
		(*buf)[got] = '\0';
		if (!head) {
			char *e = strstr(*buf, "\r\n\r\n");
			if (!e)
				continue;
			head = (size_t)(e - *buf) + 4;
			char *cl = strcasestr(*buf, "\r\ncontent-length:");
			if (!cl || cl > e)
				return -1;
			need = head + strtoul(cl + 17, NULL, 10);
		}
		if (got >= need)
			break;
	}
	if (got != need) /* pipelining is not used: nothing may follow */
		return -1;
	int status = atoi(*buf + 9);
	char *t = strstr(*buf + head, "\"total\":");
	*impacted = t ? strtol(t + 8, NULL, 10) : -1;
	return status;
}

static void *run(void *arg)
{
	client *c = arg;
	char *req = NULL, *buf = NULL;
	size_t cap = 0;
	int fd = connect_local();
	if (fd < 0) {
		fail(c, "cannot connect");
		return NULL;
	}
	while (now() < deadline && atomic_fetch_sub(&budget, 1) > 0) {
		unsigned r = rnd(&c->seed) % 10, k = r < 7 ? 1 : r < 9 ? 2 : 3;
		size_t len = 0;
		char q[4096];
		q[0] = '\0';
		for (unsigned i = 0; i < k; i++) {
			const char *id = ids[rnd(&c->seed) % nids];
			if (strlen(q) + strlen(id) + 8 < sizeof q) {
				strcat(q, "fail=");
				strcat(q, id);
				strcat(q, "&");
			}
		}
		free(req);
		req = malloc(strlen(q) + 128);
		if (!req)
			break;
		len = (size_t)sprintf(req, "GET /api/whatif?%slist=nodes&limit=10 HTTP/1.1\r\n"
					   "Host: 127.0.0.1\r\n\r\n", q);
		long impacted = -1;
		double t0 = now();
		int st = exchange(fd, req, len, &buf, &cap, &impacted);
		double t1 = now();
		if (st != 200) {
			char what[160];
			snprintf(what, sizeof what, st < 0 ? "connection failed or closed" : "status %d", st);
			fail(c, what);
			if (st < 0) {
				close(fd);
				if ((fd = connect_local()) < 0)
					break;
			}
			continue;
		}
		if (c->n == c->cap) {
			size_t nc = c->cap * 2 + 1024;
			sample *ns = realloc(c->s, nc * sizeof *ns);
			if (!ns)
				break;
			c->s = ns;
			c->cap = nc;
		}
		c->s[c->n].us = (uint32_t)((t1 - t0) * 1e6);
		c->s[c->n].impacted = impacted < 0 ? UINT32_MAX : (uint32_t)impacted;
		c->n++;
	}
	if (fd >= 0)
		close(fd);
	free(req);
	free(buf);
	return NULL;
}

static long rss_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kb;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(uint32_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i] / 1000.0;
}

int main(int argc, char **argv)
{
	long pid = 0, clients = 8, max = 1000000;
	double seconds = 5, warmup = 1, growth = 20;
	const char *idfile = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--port"))
			port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--pid"))
			pid = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--ids"))
			idfile = argv[i + 1];
		else if (!strcmp(argv[i], "--clients"))
			clients = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-requests"))
			max = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--warmup"))
			warmup = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--max-growth"))
			growth = atof(argv[i + 1]);
		else {
			fprintf(stderr, "load: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (!port || !pid || !idfile || clients < 1 || clients > 64 || seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: load --port P --pid PID --ids FILE [--clients N<=64] "
				"[--seconds D<=600] [--max-requests M] [--warmup S] [--max-growth PCT]\n");
		return 2;
	}
	FILE *fp = fopen(idfile, "r");
	char line[2048];
	size_t cap = 0;
	if (!fp) {
		perror(idfile);
		return 2;
	}
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (nids == cap) {
			cap = cap * 2 + 1024;
			char **n = realloc(ids, cap * sizeof *n);
			if (!n)
				return 2;
			ids = n;
		}
		if (!(ids[nids++] = urlenc(line)))
			return 2;
	}
	fclose(fp);
	if (!nids) {
		fprintf(stderr, "load: no ids in %s\n", idfile);
		return 2;
	}
	atomic_store(&budget, max);
	double start = now();
	deadline = start + seconds;
	client *c = calloc((size_t)clients, sizeof *c);
	if (!c)
		return 2;
	for (long i = 0; i < clients; i++) {
		c[i].seed = 2463534242u + (unsigned)i * 7919u;
		pthread_create(&c[i].th, NULL, run, &c[i]);
	}
	long rss_warm = -1;
	struct timespec ws = { (time_t)warmup, (long)((warmup - (double)(time_t)warmup) * 1e9) };
	if (warmup < seconds) {
		nanosleep(&ws, NULL);
		rss_warm = rss_kb(pid);
	}
	for (long i = 0; i < clients; i++)
		pthread_join(c[i].th, NULL);
	double elapsed = now() - start;
	long rss_end = rss_kb(pid);

	size_t n = 0, ns = 0;
	long errors = 0;
	for (long i = 0; i < clients; i++) {
		n += c[i].n;
		errors += c[i].errors;
	}
	uint32_t *all = malloc((n + 1) * sizeof *all), *small = malloc((n + 1) * sizeof *small);
	if (!all || !small)
		return 2;
	n = 0;
	for (long i = 0; i < clients; i++)
		for (size_t j = 0; j < c[i].n; j++) {
			all[n++] = c[i].s[j].us;
			if (c[i].s[j].impacted < SMALL)
				small[ns++] = c[i].s[j].us;
		}
	qsort(all, n, sizeof *all, cmp_u32);
	qsort(small, ns, sizeof *small, cmp_u32);
	printf("clients=%ld\nseconds=%.1f\nrequests=%zu\nerrors=%ld\nrps=%.0f\n", clients, elapsed,
	       n + (size_t)errors, errors, (double)n / elapsed);
	printf("p50_ms=%.2f\np99_ms=%.2f\nmax_ms=%.2f\n", pct(all, n, 0.5), pct(all, n, 0.99),
	       n ? all[n - 1] / 1000.0 : 0);
	printf("small_requests=%zu\nsmall_p50_ms=%.2f\nsmall_p99_ms=%.2f\n", ns, pct(small, ns, 0.5),
	       pct(small, ns, 0.99));
	printf("rss_warm_kb=%ld\nrss_end_kb=%ld\n", rss_warm, rss_end);
	int status = 0;
	for (long i = 0; i < clients; i++)
		if (c[i].errors) {
			fprintf(stderr, "load: client %ld: %ld errors, the first: %s\n", i, c[i].errors,
				c[i].first_error);
			status = 1;
		}
	if (!n) {
		fprintf(stderr, "load: no request answered\n");
		status = 1;
	}
	if (rss_warm > 0 && rss_end > 0 && (double)rss_end > (double)rss_warm * (1 + growth / 100)) {
		fprintf(stderr, "load: the server's memory grew from %ld kB after the warm-up to %ld kB "
				"(more than %.0f %%)\n", rss_warm, rss_end, growth);
		status = 1;
	}
	if (rss_end < 0) {
		fprintf(stderr, "load: cannot read the memory of process %ld (gone?)\n", pid);
		status = 1;
	}
	for (long i = 0; i < clients; i++)
		free(c[i].s);
	free(c);
	free(all);
	free(small);
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	return status;
}
