/*
 * k8s_int.h — importers-private: what the two halves of the Kubernetes
 * importer share. k8s_load.c turns files (JSON, YAML, a directory) into a
 * set of objects (jansson values with where they came from); k8s.c maps the
 * whole set into the import model. Nothing reaches the model before every
 * file is read without error.
 */
#ifndef FO_IMPORTERS_K8S_INT_H
#define FO_IMPORTERS_K8S_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "fo_model.h"

/* One object read: borrowed from a document root that k8s_set.docs owns. */
typedef struct k8s_obj {
	json_t *o;
	uint32_t file; /* index into k8s_set.files */
	fo_pos pos;    /* {0,0} for JSON (jansson gives no positions of values) */
	long item;     /* index in its List's items, or -1 for a lone object */
} k8s_obj;

typedef struct k8s_set {
	fo_model *m;
	fo_diag *d;
	char **files; /* every file read, as named in diagnostics (owned) */
	size_t nfiles, capfiles;
	json_t *docs; /* array owning every document root */
	k8s_obj *objs;
	size_t nobjs, capobjs;
	size_t errors;  /* errors this read added to the diag */
	int status;     /* the first failure that is not FO_EINPUT, else FO_OK */
	size_t max_bytes, max_depth, max_files, max_dir_depth;
	size_t nfiles_walked; /* files seen by the directory walk (max_files) */
	/* Files of a directory that are not .yaml/.yml/.json, and a few of
	 * their paths, for the summary (skipped, counted). */
	char **skipped_files;
	size_t nskipped_files, capskipped;
} k8s_set;

/* Reads path (file or directory) into s: FO_OK, or the failure (errors
 * are on the diag and counted in s->errors). */
int fo_k8s__load(k8s_set *s, const char *path);

/* Diagnostics on s's diag, counted (errors) in s; file = s->files[file]
 * or NULL when file is UINT32_MAX. */
void fo_k8s__error(k8s_set *s, uint32_t file, fo_pos pos, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void fo_k8s__warn(k8s_set *s, uint32_t file, fo_pos pos, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
