/*
 * fo_k8s.h — the Kubernetes importer (docs/importers/k8s.md): what
 * `kubectl get … -o json` prints (a `List` or `<Kind>List`, or one object),
 * multi-document YAML (`---`), and cluster dumps (`oc adm must-gather`,
 * `kubectl cluster-info dump`: a directory of such files), read into the
 * import model (fo_model.h) as nodes, zones, pods, workloads and services.
 *
 * Ids (local; the model adds the source prefix, "k8s" by default):
 *   region/R  zone/Z  node/NAME  pod/NS/NAME  deployment/NS/NAME
 *   statefulset/NS/NAME  daemonset/NS/NAME  replicaset/NS/NAME (a
 *   ReplicaSet without a Deployment)  service/NS/NAME  pvc/NS/NAME  pv/NAME
 * so that two files of one cluster give the same ids.
 *
 * Joining. Workloads need their pods, PodDisruptionBudgets set how many,
 * Services select pods, pods sit on nodes: the mapping needs every object of
 * the cluster at once. A directory is read as one set; fo_k8s_read_paths
 * reads several inputs of one cluster (infra.list.json + pods.list.json) as
 * one set into the current source. fo_k8s_read(m, p) is
 * fo_k8s_read_paths(m, &p, 1).
 *
 * Limits (options of the source, fo_model_option): "max-bytes" per file
 * (default 1 GiB), "max-depth" of YAML nesting (default 128; JSON nesting
 * is bounded by jansson at 2048), "max-files" and "max-dir-depth" of a
 * directory walk (100000, 32), YAML aliases expanded to at most
 * max(1M, 4 × events) nodes per document (no billion laughs).
 *
 * Threading: no global state; one model per thread (fo_model.h).
 */
#ifndef FO_K8S_H
#define FO_K8S_H

#include <stddef.h>

#include "fo_model.h"

/* Reads `path` (a JSON or YAML file, or a directory) into the model's
 * current source (begun by the caller with format "k8s"). Errors and
 * warnings go to fo_model_diag(m), located FILE:LINE:COL (YAML; JSON
 * syntax errors) with the real file (inside a directory too), semantic
 * ones naming the object ("items[12] Pod ns/name"). All errors of the run
 * are reported; on an error nothing is added to the model.
 * Returns FO_OK, FO_EINPUT (errors on diag), FO_EIO (with a message on
 * diag), FO_ENOMEM or FO_ELIMIT (a limit above; message on diag).
 * O(input size + objects × log objects). */
int fo_k8s_read(fo_model *m, const char *path);

/* The same over n inputs of one cluster, joined (see above): duplicate
 * objects (same kind, namespace and name, e.g. one uid in two files) are
 * read once and counted as skipped duplicates. paths borrowed. */
int fo_k8s_read_paths(fo_model *m, const char *const *paths, size_t n);

/* 1 when the first n bytes of a file (n ≤ 64 KiB, maybe cut mid-token) are
 * surely Kubernetes JSON or YAML: a top-level "apiVersion" key beside
 * "kind", "items", "metadata" or "spec" (JSON keys seen so far at depth 1;
 * YAML keys at column 0 of the first document). 0 otherwise. No
 * allocation; O(n). */
int fo_k8s_sniff(const char *head, size_t n);

#endif
