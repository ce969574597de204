/*
 * xmlread.c — the XML import against a bare libxml2 xmlTextReader pass over
 * the same file, in one process (issue 11: the import at >= 60 % of the
 * bare pass's throughput; docs/benchmarks.md, "XML import against a bare
 * reader"). Run by bench/e2e.sh.
 *
 * The bare pass is what any program reading the file with libxml2's
 * streaming reader must pay and nothing else: the file opened and read by
 * libxml2 (xmlReaderForFd), the importer's parser options and forced
 * encoding (importers/reader.c), every node read, and on each element every
 * attribute visited with its name and value (xmlTextReaderMoveToNextAttribute,
 * xmlTextReaderConstLocalName, xmlTextReaderConstValue), the value's bytes
 * summed so that the compiler cannot drop the visit. The import is
 * fo_inventory_load with the default options (as `fallout whatif FILE`
 * loads: the pre-scanner, the element handlers, the graph builder on its
 * second thread, fo_builder_finish, the sha256 of the input), the graph
 * freed after. The two alternate, R runs each (bare first), so that a
 * change in the machine's load hits both.
 *
 * Usage: xmlread [--runs R] FILE
 * Prints a Markdown fragment on stdout (medians, wall and CPU time of the
 * process, CLOCK_PROCESS_CPUTIME_ID: both threads of the import); exit 0
 * when the target is met (in wall time), 1 when missed, 2 usage, 4 a
 * failure.
 */
#include <fcntl.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_inventory.h"

#define MAX_RUNS 25

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process, every thread: steadier than wall time on a
 * shared machine. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_RUNS];
	memcpy(s, v, (size_t)n * sizeof *v);
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The bare pass. Returns 0 and *sum (bytes of attribute values, and
 * element count, so that nothing is optimized away), or -1. */
static int bare_pass(const char *path, unsigned long long *sum)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;
	xmlTextReaderPtr r;
	unsigned long long s = 0;

	if (fd < 0)
		return -1;
	/* importers/reader.c's options and encoding */
	r = xmlReaderForFd(fd, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_IGNORE_ENC);
	if (!r) {
		close(fd);
		return -1;
	}
	while ((ret = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		s++;
		while (xmlTextReaderMoveToNextAttribute(r) == 1) {
			const xmlChar *name = xmlTextReaderConstLocalName(r);
			const xmlChar *v = xmlTextReaderConstValue(r);
			s += (name ? name[0] : 0) + (v ? strlen((const char *)v) : 0);
		}
	}
	xmlFreeTextReader(r);
	close(fd);
	*sum = s;
	return ret == 0 ? 0 : -1;
}

static int import_once(const char *path, uint32_t *nodes)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	int err = fo_diag_new(&d, 20);
	if (err == FO_OK)
		err = fo_inventory_load(&g, path, NULL, d);
	if (err == FO_OK)
		*nodes = fo_graph_node_count(g);
	fo_graph_free(g);
	fo_diag_free(d);
	return err;
}

int main(int argc, char **argv)
{
	int runs = 3;
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: xmlread [--runs R (1..%d)] FILE\n", MAX_RUNS);
		return 2;
	}
	struct stat sb;
	if (stat(path, &sb) != 0) {
		perror(path);
		return 4;
	}
	xmlInitParser();
	double bw[MAX_RUNS], bc[MAX_RUNS], iw[MAX_RUNS], ic[MAX_RUNS];
	unsigned long long sum = 0;
	uint32_t nodes = 0;
	for (int i = 0; i < runs; i++) {
		double t0 = now(), c0 = cpu();
		if (bare_pass(path, &sum) < 0) {
			fprintf(stderr, "xmlread: the bare pass over %s failed\n", path);
			return 4;
		}
		double t1 = now(), c1 = cpu();
		int err = import_once(path, &nodes);
		double t2 = now(), c2 = cpu();
		if (err < 0) {
			fprintf(stderr, "xmlread: the import of %s failed: %s\n", path, fo_strerror(err));
			return 4;
		}
		bw[i] = t1 - t0, bc[i] = c1 - c0, iw[i] = t2 - t1, ic[i] = c2 - c1;
	}
	double mb = (double)sb.st_size / 1e6;
	double mbw = median(bw, runs), mbc = median(bc, runs), miw = median(iw, runs),
	       mic = median(ic, runs);
	/* Throughput ratio = bare time / import time. */
	double rw = mbw / miw, rc = mbc / mic;
	int met = rw >= 0.60;
	printf("| step | runs: wall (s) | median wall | throughput | median CPU | throughput vs bare pass (wall / CPU) |\n");
	printf("|---|---|---:|---:|---:|---:|\n");
	printf("| bare `xmlTextReader` pass (every node, every attribute's name and value) | ");
	for (int i = 0; i < runs; i++)
		printf("%s%.2f", i ? ", " : "", bw[i]);
	printf(" | %.2f s | %.1f MB/s | %.2f s | 100 %% / 100 %% |\n", mbw, mb / mbw, mbc);
	printf("| import (`fo_inventory_load`, default options) | ");
	for (int i = 0; i < runs; i++)
		printf("%s%.2f", i ? ", " : "", iw[i]);
	printf(" | %.2f s | %.1f MB/s | %.2f s | %.0f %% / %.0f %% |\n", miw, mb / miw, mic, 100 * rw,
	       100 * rc);
	printf("\nThe import runs at **%.0f %%** of the bare pass's throughput in wall time (%.0f %% in CPU "
	       "time); target >= 60 %% (wall): %s. %s: %.1f MB, %u nodes.\n",
	       100 * rw, 100 * rc, met ? "PASS" : "**MISS**", path, mb, nodes);
	return met ? 0 : 1;
}
