/*
 * amp_native.h: the C ABI of the AMP KPN runtime.
 *
 * This is the only header the binding (and any other host) includes. It is plain C with
 * fixed-width types and opaque handles. No exception and no abort() crosses it: every entry
 * point returns a status from the table below.
 *
 * Data layout everywhere: planar (batch, channel, frame), frames fastest, double precision:
 *     index = (b * channels + c) * frames + f
 * A tensor dimension of 1 broadcasts over the other side's size (parameters, modulation).
 *
 * Memory: buffers passed in are caller-owned. Buffers the runtime returns through `double **out`
 * are released with amp_free(); node states with amp_release_state(). Strings returned by the
 * runtime stay valid until the runtime is destroyed (or, for last-error strings, until the next
 * call that fails).
 */
#ifndef AMP_NATIVE_H
#define AMP_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct layout or a function signature below changes. */
#define AMP_API_VERSION 3u

/* ---------------------------------------------------------------------------------------------
 * Status codes (stable; mapped one to one to named codes in TypeScript).
 * ------------------------------------------------------------------------------------------- */
#define AMP_OK 0
#define AMP_ERR_INVALID_ARGUMENT (-1) /* invalid argument, bad params, missing required input */
#define AMP_ERR_SHAPE_MISMATCH (-2)   /* a tensor's B x C x F differs from the expected one */
#define AMP_ERR_UNKNOWN_NODE_TYPE (-3)
#define AMP_ERR_UNSUPPORTED (-4) /* e.g. backward mode on a node without an adjoint */
#define AMP_ERR_PENDING (-5)     /* output not ready yet */
#define AMP_ERR_CANCELLED (-6)   /* a render stopped because its cancel flag was raised */
#define AMP_ERR_INTERNAL (-7)    /* out of memory or an unexpected internal failure */

/* Stable upper-case name of a status ("AMP_OK", "AMP_ERR_SHAPE_MISMATCH", ...). */
const char *amp_status_name(int32_t status);

/* AMP_API_VERSION of the compiled library; hosts check it at load time. */
uint32_t amp_api_version(void);

/* JSON object {"apiVersion", "nodes": [...], "limits": {...}}: every registered node type (type
 * name, summary, input ports with their gather rule, parameters with kind, default, range, unit
 * and doc, heat work constant, backward support) and the runtime's other value limits
 * (oversample, delays, modulation channels, sample rate, batches, block frames). Static
 * storage; used to generate the TypeScript option types and the node reference. */
const char *amp_node_catalog_json(void);

/* Number of non-finite values (NaN, +Inf, -Inf) in data[0 .. count); data may be NULL when
 * count is 0. */
uint64_t amp_count_nonfinite(const double *data, uint64_t count);

/* Peak |x| and RMS of each (batch, channel) lane of a planar tensor; peak_out and rms_out hold
 * batches x channels values each. Non-finite samples count as 0 in both. */
int32_t amp_analyze_levels(const double *data, uint32_t batches, uint32_t channels, uint32_t frames,
                           double *peak_out, double *rms_out);

/* Display reductions of per-frame series such as heat curves (native/analysis/series_columns.cpp).
 * amp_analysis_column_stats: `data` holds lanes x frames values; the span [start, end) of
 * L = end - start frames is split into `columns` columns, column c covering frames
 * [start + floor(c L / columns), start + floor((c + 1) L / columns)), 1 <= columns <= L,
 * end <= frames. sum_out, mean_out and max_out each receive lanes x columns values: the sum, the
 * mean (sum / frames in the column) and the largest value of each column. Non-finite values
 * count as 0. */
int32_t amp_analysis_column_stats(const double *data, uint32_t lanes, uint32_t frames,
                                  uint32_t start, uint32_t end, uint32_t columns, double *sum_out,
                                  double *mean_out, double *max_out);
/* amp_analysis_running_sum: out[lane * n + i] = data[lane * n] + ... + data[lane * n + i], summed
 * in order in double precision, for each of `lanes` series of n values. Non-finite values count
 * as 0. `out` may not alias `data` partially (it may equal it). */
int32_t amp_analysis_running_sum(const double *data, uint32_t lanes, uint32_t n, double *out);

/* ---------------------------------------------------------------------------------------------
 * Single-node invocation (the seed's amp_run_node / amp_run_node_v2).
 * ------------------------------------------------------------------------------------------- */

typedef struct AmpNodeDescriptorView {
    const char *name;        /* instance name, used in error messages */
    const char *type_name;   /* registered type, e.g. "sine_osc" */
    const char *params_json; /* JSON object; parsed once, when *state is NULL */
} AmpNodeDescriptorView;

/* A planar tensor. */
typedef struct AmpAudioView {
    const double *data;
    uint32_t batches;
    uint32_t channels;
    uint32_t frames;
} AmpAudioView;

/* A named parameter tensor; any dimension may be 1 (broadcast). */
typedef struct AmpParamView {
    const char *name;
    const double *data;
    uint32_t batches;
    uint32_t channels;
    uint32_t frames;
} AmpParamView;

typedef struct AmpNodeInputs {
    const AmpAudioView *audio; /* one view per input port, in the descriptor's port order */
    uint32_t audio_count;
    const AmpParamView *params; /* per-call parameter tensors (override params_json values) */
    uint32_t param_count;
} AmpNodeInputs;

/* Control history: named, time-indexed automation curves, read-only for nodes. */
#define AMP_INTERPOLATION_STEP 0u   /* value of the last point at or before the frame */
#define AMP_INTERPOLATION_LINEAR 1u /* linear between the surrounding points, held at the ends */

typedef struct AmpHistoryCurve {
    const char *name;
    const double *times_frames; /* ascending, in frames from the start of the render */
    const double *values;
    uint32_t point_count;
    uint32_t interpolation; /* AMP_INTERPOLATION_* */
} AmpHistoryCurve;

typedef struct AmpControlHistory {
    const AmpHistoryCurve *curves;
    uint32_t curve_count;
    /* The frame of the node's stream (frames processed since its state was created or reset)
     * at which curve time 0 lies; a node samples a curve at (stream frame - frame_offset). */
    uint64_t frame_offset;
} AmpControlHistory;

typedef enum AmpExecutionMode {
    AMP_EXECUTION_FORWARD = 0,
    AMP_EXECUTION_BACKWARD = 1
} AmpExecutionMode;

typedef struct AmpNodeMetrics {
    double measured_delay_frames; /* latency the node actually adds, in output frames */
    double accumulated_heat;      /* heat summed over the call's frames and batches */
    /* Timing (0 unless measured: a graph with "timing": true, or amp_run_node_v2 with
     * metrics; reading the clocks costs more than a short block): */
    double processing_time_seconds; /* wall time inside the node's process step */
    double total_time_seconds;      /* wall time of the whole call */
    double thread_cpu_time_seconds; /* CPU time of the node's thread(s) in its steps */
    double reserved[6];             /* node telemetry (fft_divider: see docs) */
} AmpNodeMetrics;

/*
 * Runs one node on one window of `frames` frames. The state is a one-node graph runtime run by
 * the same executor as amp_graph_runtime_execute (one feeder per audio port), so declared delay
 * (padding), heat, metrics, parameter checks and errors are those of the node in a graph.
 * - batches: B of every input and of the output; channels: C of audio port 0 (0 for sources;
 *   any other value is AMP_ERR_SHAPE_MISMATCH, or AMP_ERR_INVALID_ARGUMENT for a source).
 * - *state == NULL: the node is created from the descriptor (params_json parsed here) and the
 *   new state is returned through *state. A state created for another node type gives
 *   AMP_ERR_INVALID_ARGUMENT. When batches, input channels or sample rate differ from the ones
 *   the state was made for, the call starts a fresh stream in a NEW state returned through
 *   *state; the caller releases the replaced one. Release the final state with
 *   amp_release_state().
 * - inputs->params: signal parameters by name (B in {1, batches}, C in {1, output channels},
 *   F in {1, frames}; otherwise AMP_ERR_SHAPE_MISMATCH). A parameter named like the node's
 *   thermo.heat_param replaces its published heat.
 * - *out receives a B x (*out_channels) x frames buffer to release with amp_free(), on any
 *   thread (amp_free(NULL) is a no-op). It comes from the runtime's allocator, which keeps a few
 *   freed buffers per thread for the next calls (released when the thread exits).
 * - A forward call of one frame with metrics and history NULL, on a state made for the same
 *   node type and shapes, skips the block loop (the same checks, results and state).
 * - history may be NULL.
 * Consecutive calls continue the stream (block invariance: any split of the frames gives the
 * same output, bit for bit).
 */
int32_t amp_run_node(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                     int32_t batches, int32_t channels, int32_t frames, double sample_rate,
                     double **out, int32_t *out_channels, void **state,
                     const AmpControlHistory *history);

/* As amp_run_node, with an execution mode and metrics (metrics may be NULL; non-NULL metrics
 * also switch timing on for the call). In backward mode audio port 0 carries the upstream
 * gradient (the shape of the forward output), `channels` is the forward input's channel count,
 * and *out receives the gradient with respect to audio port 0 (the node's own adjoint); nodes
 * without an adjoint return AMP_ERR_UNSUPPORTED.
 */
int32_t amp_run_node_v2(const AmpNodeDescriptorView *descriptor, const AmpNodeInputs *inputs,
                        int32_t batches, int32_t channels, int32_t frames, double sample_rate,
                        double **out, int32_t *out_channels, void **state,
                        const AmpControlHistory *history, AmpExecutionMode mode,
                        AmpNodeMetrics *metrics);

void amp_release_state(void *state);
void amp_free(double *buffer);

typedef struct AmpErrorView {
    int32_t code;
    const char *stage;  /* "parse", "create", "compile", "configure", "set_param", "execute", ... */
    const char *node;   /* node name, or "" when the error is not about one node */
    const char *detail; /* readable message naming node, key, expected and provided values */
} AmpErrorView;

/* The last failure of amp_run_node / amp_run_node_v2 on the calling thread (per thread, like
 * errno); returns its code. The strings stay valid until the next failing call on the thread. */
int32_t amp_run_node_last_error(AmpErrorView *out_error);

/* Node states created by amp_run_node / amp_run_node_v2 and not yet released (leak checks). */
int64_t amp_live_state_count(void);

/* Snapshot of a node state (its whole stream: node state, padding FIFO, position, heat), as
 * amp_graph_runtime_snapshot for the state's one-node runtime. Failures are recorded for
 * amp_run_node_last_error. */
int32_t amp_node_state_snapshot_size(const void *state, uint64_t *out_bytes);
int32_t amp_node_state_snapshot(const void *state, void *buffer, uint64_t capacity);
int32_t amp_node_state_restore(void *state, const void *buffer, uint64_t size);

/* ---------------------------------------------------------------------------------------------
 * FFT: the project's own discrete Fourier transforms in double precision (docs/fft.md).
 * numpy's conventions: forward X[k] = sum_j x[j] exp(-2 pi i j k / n), unscaled; inverse
 * x[j] = (1/n) sum_k X[k] exp(+2 pi i j k / n). Complex data is interleaved (re, im, re, im, ...).
 * Any n in [1, AMP_FFT_MAX_SIZE]. The plan for a size is built on its first use and cached for the
 * process; every input value must be finite. Failures return AMP_ERR_INVALID_ARGUMENT (n out of
 * range, a null pointer, a non-finite input naming its index) or AMP_ERR_INTERNAL (out of
 * memory), write nothing to out, and set the calling thread's amp_fft_last_error.
 * ------------------------------------------------------------------------------------------- */

#define AMP_FFT_MAX_SIZE 16777216u /* 2^24 points */

/* Complex transforms: in and out hold 2n doubles; out may alias in. */
int32_t amp_fft_complex_forward(uint32_t n, const double *in, double *out);
int32_t amp_fft_complex_inverse(uint32_t n, const double *in, double *out);
/* Real forward: in holds n samples, out the 2 (n/2 + 1) doubles of bins 0..n/2 (interleaved). */
int32_t amp_fft_real_forward(uint32_t n, const double *in, double *out);
/* Real inverse: in holds bins 0..n/2 (2 (n/2 + 1) doubles; the imaginary parts of bin 0, and of
 * bin n/2 when n is even, are ignored), out the n real samples. in and out must not alias. */
int32_t amp_fft_real_inverse(uint32_t n, const double *in, double *out);
/* The calling thread's last amp_fft_* failure (stage "fft"); returns its code (AMP_OK and empty
 * strings when none failed). The strings stay valid until the next failing call on the thread. */
int32_t amp_fft_last_error(AmpErrorView *out_error);

/* ---------------------------------------------------------------------------------------------
 * Graph runtime.
 * ------------------------------------------------------------------------------------------- */

typedef struct AmpGraphRuntime AmpGraphRuntime;

typedef struct AmpNodeSummary {
    const char *name;
    const char *type_name;
    uint32_t index; /* position in the graph description's node list */
    uint32_t output_channels;
    uint32_t declared_delay_frames;
    uint32_t oversample;
    double measured_delay_frames;
    double total_heat;           /* cumulative since create / reset, summed over batches */
    AmpNodeMetrics last_metrics; /* of the last execute call (accumulated_heat: that call's) */
} AmpNodeSummary;

typedef struct AmpGraphSummary {
    uint32_t node_count;
    uint32_t batches;
    uint32_t block_frames;
    uint32_t output_channels;
    double sample_rate;
    uint64_t frames_rendered; /* since create / reset */
    double total_heat;        /* all nodes, all batches, since create / reset */
    uint32_t latency_frames;  /* accumulated declared delay from the sources to the output
                               * (latency compensation off: along the path with the least, the
                               * delay at which the output first shows a source's frames) */
    uint32_t
        scheduler_block_frames;    /* largest block used: min(block_frames, smallest loop delay) */
    uint32_t latency_compensation; /* 1 when on (the default), 0 when off */
    double thermal_budget;         /* heat per second; 0 when none */
    uint64_t frames_over_budget;   /* (batch, frame) pairs whose graph heat rate exceeded it */
    uint32_t threads;              /* set with amp_graph_runtime_set_threads */
    uint32_t levels;               /* dependency levels of the schedule */
    uint32_t parallel_levels;      /* levels split across threads (0 with one thread, or when
                                    * the scheduler block is under 256 frames) */
} AmpGraphSummary;

/* Running levels of a render's output, kept by the caller across execute calls (one per
 * streamed render, say). Caller-owned: zero the counts and arrays to start; every execute call
 * that passes it adds its output frames. lanes = batches x output channels (checked). Non-finite
 * samples count as 0 in peak and energy and are counted in `nonfinite`. Energy is summed in 8
 * partial sums by frame index mod 8 (counted from the meters' start; energy_lanes) added in a
 * fixed tree, the rule amp_analyze_levels and amp_analysis_levels use, so sqrt(energy / frames)
 * is bit for bit their RMS of the concatenated output, whatever the block size or the split into
 * calls. */
typedef struct AmpMeters {
    uint32_t lanes;
    double *peak;          /* [lanes] largest |x| */
    double *energy;        /* [lanes] sum of x^2 (the fold of energy_lanes, after each block) */
    double *window_peak;   /* [lanes] the same since the caller last cleared the window */
    double *window_energy; /* [lanes] (each block's sum added: within rounding of energy's) */
    uint64_t frames;       /* frames accumulated per lane */
    uint64_t window_frames;
    uint64_t nonfinite;   /* non-finite samples seen, all lanes */
    double *energy_lanes; /* [lanes x 8] the partial sums of x^2 by frame index mod 8 */
} AmpMeters;

/* What a progress callback sees after each block. */
typedef struct AmpProgressReport {
    uint64_t position;    /* frames rendered since create / reset, this block included */
    uint64_t call_done;   /* frames of this execute call rendered so far */
    uint64_t call_frames; /* frames this execute call renders */
    double heat_total;    /* graph heat since create / reset (all nodes, all batches) */
    AmpMeters *meters;    /* the call's meters (already updated with this block), or NULL */
} AmpProgressReport;

/* Called on the rendering thread after every block; it must not call back into the runtime.
 * It may read the meters and clear their window (window_* arrays and window_frames). Hosts
 * coalesce: the runtime itself reads no clock for it. */
typedef void (*AmpProgressCallback)(void *user, const AmpProgressReport *report);

typedef struct AmpRenderOptions {
    /* Optional per-frame heat curves: (node_count + 1) x batches x frames; row i < node_count is
     * node i (graph description order), the last row is the graph total. NULL: not recorded. */
    double *heat_out;
    uint64_t heat_len;
    /* Optional cooperative cancel flag, read once per block; non-zero stops the render with
     * AMP_ERR_CANCELLED. The stream stays consistent at the block where it stopped (the frames
     * before it are in `out`); reset to start again from frame 0. Hosts write it from another
     * thread with a relaxed atomic store (or an aligned 32-bit volatile store); the runtime
     * only reads it. */
    const volatile int32_t *cancel_flag;
    /* Optional automation curves, times relative to the start of this render call (the
     * runtime sets frame_offset itself; the caller's value is ignored). */
    const AmpControlHistory *history;
    /* Optional thermal-budget flags, batches x frames: 1 where the graph's total heat per
     * second (heat per frame x sample rate) exceeds the graph's thermal_budget, else 0. NULL:
     * not recorded. Requires a budget in the graph description. */
    uint8_t *over_budget_out;
    uint64_t over_budget_len;
    /* Optional taps (the side streams nodes publish, see amp_graph_runtime_tap_info): every tap
     * in tap-index order, each planar batches x values x records, where records is
     * amp_graph_runtime_tap_records(tap, frames) (frames for a per-frame tap), so tap i starts
     * after the batches x values x records of taps 0..i-1; tap_len >= the sum over taps.
     * NULL: not recorded. */
    double *tap_out;
    uint64_t tap_len;
    /* Optional: the time in seconds (stream frame / sample rate) of every record, tap after
     * tap (records of tap 0, then of tap 1, ...); tap_time_len >= the sum of the records. */
    double *tap_time_out;
    uint64_t tap_time_len;
    /* Optional running output levels (see AmpMeters); NULL: not measured. */
    AmpMeters *meters;
    /* Optional progress callback (see AmpProgressCallback) and its first argument. */
    AmpProgressCallback progress;
    void *progress_user;
} AmpRenderOptions;

/* Progress and cooperative cancel of long calls other than renders: the analysis calls that
 * take a plan (amp_analysis_plan_set_work) and the graph backward pass
 * (amp_graph_runtime_backward_v2). Same contract as the render's fields: the flag is read once
 * per unit of work (an analysis frame, a backward window) and a non-zero value stops the call
 * with AMP_ERR_CANCELLED; the callback runs on the calling thread after every unit, must not
 * call back into the runtime or the plan, and the host coalesces (the runtime reads no clock).
 * The report's call_done / call_frames count the call's units (stated by each call), position
 * equals call_done, heat_total is 0 and meters NULL. */
typedef struct AmpWorkOptions {
    const volatile int32_t *cancel_flag; /* NULL: not cancellable */
    AmpProgressCallback progress;        /* NULL: no reports */
    void *progress_user;
} AmpWorkOptions;

/* One tap of a runtime: the publishing node's name, the tap's name and unit, the numbers per
 * record, and where its records fall: record r of the stream at stream frame
 * phase + r * period (period 1, phase 0: one record per batch and frame). A record is
 * values / group_values groups of group_values numbers, named by value_names (group_values
 * strings, or NULL when unnamed): number k of group g is value g * group_values + k. Strings
 * live as long as the runtime. */
typedef struct AmpTapInfo {
    const char *node;
    const char *name;
    const char *unit;
    uint32_t values;
    uint32_t group_values;
    const char *const *value_names;
    uint32_t period;
    uint32_t phase;
} AmpTapInfo;

/*
 * Creates a runtime from a UTF-8 JSON graph description:
 *   { "nodes": [ { "name", "type", "params": { ... } } ],
 *     "edges": [ { "from", "to" } ],                               audio edges
 *     "modulations": [ { "from", "to", "param", "mode": "add"|"multiply",
 *                        "scale"?: number, "channel"?: integer } ],
 *     "output": name, "sample_rate"?: number, "timing"?: boolean,
 *     "latency_compensation"?: boolean (default true), "thermal_budget"?: heat per second,
 *     "schedule"?: [[names of stage 0], [names of stage 1], ...] }
 * Audio and modulation edges may carry "delay_frames" (integer >= 0); an audio edge may name
 * its target "port". The graph is parsed, validated and compiled here (topological order over
 * audio and modulation edges; a cycle without a delay of at least one frame is rejected with
 * its nodes named; an explicit schedule is checked). Sample rate defaults to 48000, batches to
 * 1, block frames to 512.
 * On failure the status is returned and *out_runtime is still a runtime, in a failed state,
 * whose last error and log can be read; every other call on it returns
 * AMP_ERR_INVALID_ARGUMENT. Destroy it in both cases. *out_runtime is NULL only when memory
 * ran out.
 */
int32_t amp_graph_runtime_create(const char *graph_json, AmpGraphRuntime **out_runtime);
void amp_graph_runtime_destroy(AmpGraphRuntime *runtime);

/* Allocates every buffer for `batches` lanes and blocks of at most `block_frames` frames,
 * and resets the stream to frame 0. Rendering allocates nothing after this. */
int32_t amp_graph_runtime_configure(AmpGraphRuntime *runtime, uint32_t batches,
                                    uint32_t block_frames);
/* Changes the sample rate (Hz, > 0) and resets the stream to frame 0. */
int32_t amp_graph_runtime_set_sample_rate(AmpGraphRuntime *runtime, double sample_rate);
/* Threads a render may use, in [1, 16] (default 1: the calling thread only). Independent nodes
 * of one dependency level run on different threads; the output, the heat and every summary are
 * bit-identical for any thread count. Helper threads sleep between renders. */
int32_t amp_graph_runtime_set_threads(AmpGraphRuntime *runtime, uint32_t threads);
/* Resets every node's state, the heat totals and the frame counter. Overrides stay. */
int32_t amp_graph_runtime_reset(AmpGraphRuntime *runtime);

/*
 * Overrides a signal parameter (or the node's "thermo.heat" channel) with a tensor of exactly
 * the expected shape: batches x 1 x block_frames (the configured values). The tensor is what
 * the node sees as that parameter on every block. A different shape returns
 * AMP_ERR_SHAPE_MISMATCH, keeps the previous value in force, sets the last error and appends an
 * "amp_graph_runtime_set_param_shape_mismatch" record to the log.
 */
int32_t amp_graph_runtime_set_param(AmpGraphRuntime *runtime, const char *node, const char *param,
                                    const double *data, uint32_t batches, uint32_t channels,
                                    uint32_t frames);
/* Removes the overrides of one node (node != NULL) or of every node (node == NULL). */
int32_t amp_graph_runtime_clear_params(AmpGraphRuntime *runtime, const char *node);

/*
 * Lane sharing: declares that the batch lanes differ only in `count` parameters (nodes[i],
 * params[i]: a signal parameter or the node's heat parameter, e.g. "thermo.heat"), as when a
 * parameter sweep packs its points into the lanes. Every node outside the downstream cone of
 * those nodes (over audio and modulation edges), other than the output node, then runs once per
 * block for all lanes and every lane reads its output (no copy); its heat totals, heat curves
 * and taps are reported for every lane. Each lane's output, heat and taps stay bit-identical to
 * a one-batch runtime rendering that lane alone. While nodes are shared, a set_param override
 * whose lanes differ on a shared node is refused (AMP_ERR_INVALID_ARGUMENT naming the node and
 * parameter), and so is recording (amp_graph_runtime_record*). count 0 turns sharing off. The
 * declaration survives configure; the call re-prepares the nodes and resets the stream to frame
 * 0 (overrides stay). Refused, changing nothing, for an unknown node or a parameter that is not
 * a signal or heat parameter, or when an override in force differs between lanes on a node
 * that would be shared.
 */
int32_t amp_graph_runtime_share_lanes(AmpGraphRuntime *runtime, const char *const *nodes,
                                      const char *const *params, uint32_t count);

/*
 * Hands a PCM buffer to a node (e.g. the sound a "sampler" plays; docs/buffers.md): `data` holds
 * channels x frames samples, planar (channel 0's frames first), finite; `sample_rate` (Hz, in
 * (0, 1e7]) is the rate it was recorded at. The runtime checks channels in [1, 64],
 * 1 <= channels x frames <= 2^28 samples and half the machine's memory, the sample rate and
 * every sample BEFORE allocating; the node then checks its own rules (slot, e.g. a sampler's
 * start and loop points against the length) and copies the data into memory it owns, so the
 * caller may free `data` on return. A refused call returns AMP_ERR_INVALID_ARGUMENT, sets the
 * last error (stage "set_buffer") and changes nothing; a node that takes no buffers refuses
 * every call. The buffer is configuration, like a set_param override: reset, configure and
 * snapshot / restore keep it (a snapshot does not contain it). Not during a render.
 */
int32_t amp_graph_runtime_set_buffer(AmpGraphRuntime *runtime, const char *node, uint32_t slot,
                                     const double *data, uint32_t channels, uint64_t frames,
                                     double sample_rate);

/* Renders `frames` frames into out (batches x output_channels x frames, caller-owned;
 * out_len counts doubles), continuing the stream. options may be NULL. */
int32_t amp_graph_runtime_execute(AmpGraphRuntime *runtime, uint64_t frames, double *out,
                                  uint64_t out_len, const AmpRenderOptions *options);

uint32_t amp_graph_runtime_node_count(const AmpGraphRuntime *runtime);
/* Name of node `index` (graph description order), or NULL when out of range. */
const char *amp_graph_runtime_node_name(const AmpGraphRuntime *runtime, uint32_t index);
int32_t amp_graph_runtime_describe_node(const AmpGraphRuntime *runtime, const char *node,
                                        AmpNodeSummary *out_summary);
/* Heat totals since create / reset per batch lane into out (out_len doubles, at least
 * (node_count + 1) x batches): row i < node_count is node i's, the last row the graph's. A
 * lane's values equal the describe_* totals of a one-batch runtime that rendered that lane. */
int32_t amp_graph_runtime_heat_by_batch(const AmpGraphRuntime *runtime, double *out,
                                        uint64_t out_len);
int32_t amp_graph_runtime_describe_graph(const AmpGraphRuntime *runtime,
                                         AmpGraphSummary *out_summary);
/* Number of taps the graph's nodes publish (graph description order, then each node's tap
 * order), and tap `index`'s description (AMP_ERR_INVALID_ARGUMENT when out of range). */
uint32_t amp_graph_runtime_tap_count(const AmpGraphRuntime *runtime);
int32_t amp_graph_runtime_tap_info(const AmpGraphRuntime *runtime, uint32_t index,
                                   AmpTapInfo *out_info);
/* Records tap `index` publishes in the next `frames` frames of the stream (0 when the index is
 * out of range): the size of its part of AmpRenderOptions::tap_out for an execute of `frames`. */
uint64_t amp_graph_runtime_tap_records(const AmpGraphRuntime *runtime, uint32_t index,
                                       uint64_t frames);

/*
 * Snapshot / restore of the stream state: the stream position, every node's state, every FIFO
 * (edge delays, padding, latency compensation), telemetry, heat totals and the over-budget
 * count; not the configuration (graph, batches, block, sample rate, threads, set_param
 * overrides). Rendering on after a restore gives the bits the uninterrupted stream gave.
 * snapshot_size gives the bytes; snapshot writes them into a caller buffer of at least that
 * capacity (AMP_ERR_SHAPE_MISMATCH otherwise). restore accepts only a snapshot of the same graph
 * (node names and types), batches, block and sample rate, and changes nothing when it refuses.
 * Neither allocates.
 */
int32_t amp_graph_runtime_snapshot_size(const AmpGraphRuntime *runtime, uint64_t *out_bytes);
int32_t amp_graph_runtime_snapshot(AmpGraphRuntime *runtime, void *buffer, uint64_t capacity);
int32_t amp_graph_runtime_restore(AmpGraphRuntime *runtime, const void *buffer, uint64_t size);

/*
 * Gradients (docs/gradients.md): record a span of the stream, then run one backward pass over it.
 *
 * amp_graph_runtime_record_size: the bytes a recording of `frames` frames needs for the current
 * configuration (recorded inputs, parameters, modulators and node rows, and the backward pass's
 * buffers). amp_graph_runtime_record arms a recording of the next `frames` frames from the
 * current stream position and allocates everything now; it refuses (AMP_ERR_INVALID_ARGUMENT,
 * naming the bytes needed) when that exceeds `max_bytes` (0: half the machine's memory).
 * The following execute calls record as they render (no allocation); configure, sample rate,
 * reset and restore drop the recording.
 *
 * amp_graph_runtime_backward: once the whole span was rendered, runs the reverse schedule over
 * it. `output_gradient` is dL/dy, batches x output channels x frames (the span). Each request
 * names a node and either
 *   - a signal parameter (`param`): the gradient with respect to its base value (the params
 *     value or set_param override, before modulation), per batch and frame: `out` holds
 *     batches x frames doubles, or batches when `summed` is 1 (the sum over the span's frames);
 *   - nothing (`param` NULL): the gradient with respect to the node's output, as if it were an
 *     input of the rest of the graph: batches x output channels x frames.
 * Values before the span (initial states, FIFO contents) are constants. Every node on a path
 * from a requested node to the output must have an adjoint (and a gradient for every parameter
 * modulated on the path): otherwise AMP_ERR_UNSUPPORTED names the node and the path. The pass
 * may be run again with another output gradient; results are bit-identical whatever the block
 * size, thread count or call split of the forward render. No allocation.
 */
typedef struct AmpGradientRequest {
    const char *node; /* node name */
    /* signal parameter name, or NULL for the node's output, or "@buffer" for the node's PCM
     * buffer (slot 0, e.g. a sampler's): batches x buffer channels x buffer frames, or
     * "@history" for the points of the control-history curves the node reads (a controller's;
     * needs amp_graph_runtime_backward_v2 with the history, summed 0): summed over batches, per
     * curve in the node's order, the points' values' gradients then their times' (per frame; 0 for
     * step curves), 2 x points doubles per curve (docs/gradients.md) */
    const char *param;
    uint32_t summed;  /* parameters: 1 sums over frames; "@buffer": 1 sums over batches */
    double *out;      /* caller-owned, overwritten */
    uint64_t out_len; /* doubles in `out` */
} AmpGradientRequest;

/* Mean squared error of y against target (count values each, e.g. a render's planar samples):
 * *out_loss = sum over i of (y[i] - target[i])^2 / count, summed in index order; out_gradient
 * (optional, count values) receives dL/dy[i] = 2 (y[i] - target[i]) / count, the output
 * gradient for amp_graph_runtime_backward. AMP_ERR_INVALID_ARGUMENT when a pointer is null,
 * count is 0 or a value is not finite. */
int32_t amp_loss_l2(const double *y, const double *target, uint64_t count, double *out_loss,
                    double *out_gradient);

/*
 * Spectral L2 loss (docs/gradients.md): the mean squared difference between the STFT
 * magnitudes of y and of a target, and its exact gradient with respect to y. A lane of `frames`
 * samples is framed as amp_analysis_stft (size - hop zeros before it, M = stft frames), each
 * frame windowed (periodic window, AMP_WINDOW_*) and transformed by the project's real FFT:
 *   loss = sum over lanes, frames m, bins k = 0 .. size/2 of (|Y[m][k]| - |T[m][k]|)^2
 *          / (lanes x M x (size/2 + 1)),
 * out_gradient (optional, lanes x frames planar like y) = dloss/dy (where |Y| = 0 the
 * magnitude's subgradient 0 is used). amp_loss_spectral_create checks size in [2, 2^24], hop in
 * [1, size], the window code and kaiser_beta in [0, 50] and allocates everything; a call with
 * the plan allocates nothing (one call at a time per plan). Failures return
 * AMP_ERR_INVALID_ARGUMENT (null pointers, lanes 0, frames outside [1, 2^40], a non-finite
 * value) with a message for amp_loss_last_error (the calling thread's, stage "loss").
 */
typedef struct AmpSpectralLoss AmpSpectralLoss;
int32_t amp_loss_spectral_create(uint32_t size, uint32_t hop, uint32_t window, double kaiser_beta,
                                 AmpSpectralLoss **out_loss);
void amp_loss_spectral_destroy(AmpSpectralLoss *loss);
int32_t amp_loss_spectral_l2(AmpSpectralLoss *loss, const double *y, const double *target,
                             uint32_t lanes, uint64_t frames, double *out_loss,
                             double *out_gradient);
int32_t amp_loss_last_error(AmpErrorView *out_error);

int32_t amp_graph_runtime_record_size(const AmpGraphRuntime *runtime, uint64_t frames,
                                      uint64_t *out_bytes);
int32_t amp_graph_runtime_record(AmpGraphRuntime *runtime, uint64_t frames, uint64_t max_bytes);
int32_t amp_graph_runtime_backward(AmpGraphRuntime *runtime, const double *output_gradient,
                                   uint64_t output_gradient_len, const AmpGradientRequest *requests,
                                   uint32_t request_count);

/*
 * Checkpointed recording (docs/gradients.md, "Costs"): like amp_graph_runtime_record, but the
 * render keeps a snapshot of the stream state every `checkpoint_frames` frames (>= 1; at least
 * the span: one segment) instead of every recorded value, and a hash of each segment's output.
 * The backward pass then re-renders each segment from its snapshot, from the last, with
 * recording, and runs over it: the gradients are bit-identical to a full recording's, for about
 * one more forward render of time and memory for one segment (recorded values of
 * checkpoint_frames frames, link-gradient rings of one backward window plus each link's delay)
 * plus one snapshot per segment and one more, all allocated here. _size gives those bytes; a
 * limit is refused as by amp_graph_runtime_record.
 */
int32_t amp_graph_runtime_record_checkpointed_size(const AmpGraphRuntime *runtime, uint64_t frames,
                                                   uint64_t checkpoint_frames, uint64_t *out_bytes);
int32_t amp_graph_runtime_record_checkpointed(AmpGraphRuntime *runtime, uint64_t frames,
                                              uint64_t checkpoint_frames, uint64_t max_bytes);

/*
 * amp_graph_runtime_backward with the span's control history and with progress and cancel
 * (history and work may be NULL; amp_graph_runtime_backward(...) is
 * amp_graph_runtime_backward_v2(..., NULL, NULL)).
 *
 * history: the control history the span was rendered with, curve times relative to the span's
 * first frame (for a span rendered by one execute call: that call's history). A checkpointed
 * recording re-renders with it; a full one ignores it except for "@history" requests (which
 * need it); NULL when the graph reads no curves (a checkpointed graph that does is refused). A
 * re-rendered segment whose output differs from the render's (another history, changed
 * overrides or buffers) fails with AMP_ERR_INVALID_ARGUMENT naming its frames. The stream state
 * (position, node states, heat) after the call is the one before it.
 *
 * work: units are frames of the recorded span, walked from its end (call_frames = span frames,
 * call_done = frames done so far); the flag is read before each window of at most the
 * scheduler block. A cancelled pass returns AMP_ERR_CANCELLED (recorded as the last error) with
 * the request buffers partly written (their contents are then unspecified); the recording, the
 * stream and the configuration are untouched, so the pass can run again (same bits) and the
 * runtime renders, records and runs backward passes as before.
 */
int32_t amp_graph_runtime_backward_v2(AmpGraphRuntime *runtime, const double *output_gradient,
                                      uint64_t output_gradient_len,
                                      const AmpGradientRequest *requests, uint32_t request_count,
                                      const AmpControlHistory *history, const AmpWorkOptions *work);

/* Bytes amp_graph_runtime_configure(runtime, batches, block_frames) would allocate (every
 * buffer and node state), without allocating; batches and block_frames in the configure ranges.
 * A configuration above amp_memory_budget() is refused by configure with this size named. */
int32_t amp_graph_runtime_buffer_bytes(const AmpGraphRuntime *runtime, uint32_t batches,
                                       uint32_t block_frames, uint64_t *out_bytes);

/* The process-wide memory budget: the most bytes one runtime's (or node state's) buffers may
 * take; creating or configuring beyond it is refused with AMP_ERR_INVALID_ARGUMENT naming the
 * size needed, before anything is allocated. Default (and after setting 0): half the
 * machine's physical memory. */
void amp_set_memory_budget(uint64_t bytes);
uint64_t amp_memory_budget(void);

/* Thread safety: a runtime runs one call at a time. A call made while another thread is inside
 * a call on the same runtime returns AMP_ERR_PENDING at once and changes nothing; that refusal
 * is not recorded as the last error (amp_graph_runtime_last_error itself then reports
 * AMP_ERR_PENDING, and amp_graph_runtime_read_log returns 0). Different runtimes may be used
 * from different threads at the same time. */

/* The last error; returns its code (AMP_OK and empty strings when nothing failed yet). Every
 * call that returns a non-OK status records its failure here first, cancellation included. */
int32_t amp_graph_runtime_last_error(const AmpGraphRuntime *runtime, AmpErrorView *out_error);

/* Copies the runtime log (JSON lines, one record per line, oldest first) into buffer and
 * NUL-terminates it when capacity allows. Returns the full length in bytes without the NUL,
 * so a call with capacity 0 asks for the size. */
size_t amp_graph_runtime_read_log(const AmpGraphRuntime *runtime, char *buffer, size_t capacity);

/* ---------------------------------------------------------------------------------------------
 * PCM sample conversion for WAV files (docs/long-work.md): planar doubles to interleaved
 * little-endian sample bytes and back. Integer formats map x to round(x * 2^(bits-1)) clipped
 * to [-2^(bits-1), 2^(bits-1) - 1] (reading divides by 2^(bits-1)); float formats round to the
 * nearest representable value. Non-finite samples are refused for every format: nothing is
 * written and the status is AMP_ERR_INVALID_ARGUMENT.
 * ------------------------------------------------------------------------------------------- */

#define AMP_PCM_S16 0u /* 16-bit signed integer */
#define AMP_PCM_S24 1u /* 24-bit signed integer (3 bytes) */
#define AMP_PCM_S32 2u /* 32-bit signed integer */
#define AMP_PCM_F32 3u /* 32-bit IEEE float */
#define AMP_PCM_F64 4u /* 64-bit IEEE float */
#define AMP_PCM_U8 5u  /* 8-bit unsigned integer (offset 128); read only */

/* Bytes per sample of a format, 0 for an unknown one. */
uint32_t amp_pcm_bytes(uint32_t format);

typedef struct AmpPcmEncodeInfo {
    uint64_t clipped;         /* integer formats: samples outside the representable range */
    uint64_t first_nonfinite; /* on refusal: planar index (c * frames + f) of the first one */
} AmpPcmEncodeInfo;

/*
 * Encodes `frames` frames of `channels` planar rows (row c at data + c * lane_stride) into
 * interleaved bytes (out_len >= frames x channels x amp_pcm_bytes(format)).
 * dither != 0 adds TPDF dither of +-1 LSB to integer formats: the noise of (frame, channel) is
 * a pure function of (dither_seed, start_frame + frame, channel), so encoding a stream block by
 * block (start_frame = the block's first frame) gives the bytes of encoding it at once.
 * info may be NULL.
 */
int32_t amp_pcm_encode(const double *data, uint64_t lane_stride, uint32_t channels, uint64_t frames,
                       uint32_t format, uint32_t dither, uint64_t dither_seed, uint64_t start_frame,
                       uint8_t *out, uint64_t out_len, AmpPcmEncodeInfo *info);

/* Decodes `frames` interleaved frames of `channels` channels into planar rows (row c at
 * out + c * lane_stride). Formats: every AMP_PCM_* code. */
int32_t amp_pcm_decode(const uint8_t *bytes, uint64_t bytes_len, uint32_t channels, uint64_t frames,
                       uint32_t format, double *out, uint64_t lane_stride);

/* ---------------------------------------------------------------------------------------------
 * Analysis (docs/analysis.md): windows, STFT and the functions figures draw from. Signals are
 * planar AmpAudioViews; `lanes` selects lanes (each b * channels + c, in output order) and every
 * output is planar over the selection. Each function checks all its arguments before writing any
 * output; a failure returns AMP_ERR_INVALID_ARGUMENT (AMP_ERR_INTERNAL when memory ran out) and
 * records a message naming the argument, its allowed range and the value, read with
 * amp_analysis_last_error (per thread). Output buffers are caller-owned, of the sizes stated.
 * ------------------------------------------------------------------------------------------- */

/* Window codes. */
#define AMP_WINDOW_RECT 0u
#define AMP_WINDOW_HANN 1u
#define AMP_WINDOW_HAMMING 2u
#define AMP_WINDOW_BLACKMAN 3u
#define AMP_WINDOW_BLACKMAN_HARRIS 4u /* 4-term, -92 dB side lobes */
#define AMP_WINDOW_KAISER 5u          /* shape kaiser_beta in [0, 50] */

typedef struct AmpWindowGains {
    double coherent_gain;      /* sum(w) / n */
    double energy_gain;        /* sum(w^2) / n */
    double enbw_bins;          /* equivalent noise bandwidth, n sum(w^2) / sum(w)^2, in bins */
    double scalloping_loss_db; /* level drop (dB, >= 0) of a sine half a bin off a bin centre */
} AmpWindowGains;

/* The n samples (n in [1, 2^24]) of a window into out (periodic when symmetric == 0) and its
 * gains (gains may be NULL). */
int32_t amp_analysis_window(uint32_t window, double kaiser_beta, uint32_t symmetric, uint32_t n,
                            double *out, AmpWindowGains *gains);

/* Frequency axes of plan outputs. */
#define AMP_SCALE_BINS 0u   /* the bins k * sample_rate / size, k = 0 .. size / 2 */
#define AMP_SCALE_LINEAR 1u /* `points` values evenly spaced in Hz from min_hz to max_hz */
#define AMP_SCALE_LOG 2u    /* evenly spaced in log frequency (min_hz > 0) */
#define AMP_SCALE_MEL 3u    /* evenly spaced in mel, 2595 log10(1 + f / 700) */

typedef struct AmpAnalysisConfig {
    double sample_rate; /* Hz, finite, > 0 */
    uint32_t size;      /* frame (window and FFT) length, [2, 2^24] */
    uint32_t hop;       /* samples between frames, [1, 2^24] */
    uint32_t window;    /* AMP_WINDOW_* */
    double kaiser_beta; /* [0, 50] (Kaiser only) */
    uint32_t symmetric; /* 0: periodic window (analysis), 1: symmetric */
    uint32_t scale;     /* AMP_SCALE_* of spectrum and spectrogram outputs */
    uint32_t points;    /* points of a resampled axis, [2, 65536]; ignored for AMP_SCALE_BINS */
    double min_hz;      /* resampled axis range: 0 <= min_hz < max_hz <= sample_rate / 2 */
    double max_hz;
    double floor_db; /* lowest dB value written, [-400, 0] */
} AmpAnalysisConfig;

/* A plan holds the window, the FFT plan, the output axis and scratch; calls with it allocate
 * nothing. A plan runs one call at a time. */
typedef struct AmpAnalysisPlan AmpAnalysisPlan;

typedef struct AmpAnalysisPlanInfo {
    uint32_t bins;   /* size / 2 + 1 */
    uint32_t points; /* values of the output frequency axis (bins or config points) */
    double bin_hz;   /* sample_rate / size */
    AmpWindowGains gains;
} AmpAnalysisPlanInfo;

int32_t amp_analysis_plan_create(const AmpAnalysisConfig *config, AmpAnalysisPlan **out_plan);
void amp_analysis_plan_destroy(AmpAnalysisPlan *plan);
int32_t amp_analysis_plan_describe(const AmpAnalysisPlan *plan, AmpAnalysisPlanInfo *out_info);
/* Progress and cancel for the plan's following calls (amp_analysis_spectrum, centroid, peaks,
 * spectrogram, band_energy, stft, istft) until set again; NULL (or all fields NULL) clears.
 * The options are copied; the flag and the user pointer must outlive those calls. Units:
 * analysis frames (FFT frames) of the call: lane_count x amp_analysis_plan_frames(signal
 * frames) for the frame-based calls, amp_analysis_stft_frames for stft, stft_frames for istft.
 * A cancelled call returns AMP_ERR_CANCELLED (recorded for amp_analysis_last_error) with its
 * outputs partly written (their contents are then unspecified); the plan stays usable. */
int32_t amp_analysis_plan_set_work(AmpAnalysisPlan *plan, const AmpWorkOptions *work);
/* The output axis in Hz: `points` values into out (capacity in doubles). */
int32_t amp_analysis_plan_frequencies(const AmpAnalysisPlan *plan, double *out, uint32_t capacity);
/* Frames of `size` samples, `hop` apart from frame 0, that fit in signal_frames (no padding):
 * 1 + floor((signal_frames - size) / hop), 0 when signal_frames < size. */
uint64_t amp_analysis_plan_frames(const AmpAnalysisPlan *plan, uint64_t signal_frames);

/* Welch averaged spectrum over the plan's axis: power_db in dBFS (0 dB = a full-scale sine
 * centred on a bin), psd_db in dB re 1 FS^2/Hz (one-sided), each lane_count x points; segments
 * (may be NULL) receives the segments averaged. Samples must be finite. */
int32_t amp_analysis_spectrum(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                              const uint32_t *lanes, uint32_t lane_count, double *power_db,
                              double *psd_db, uint64_t *segments);

/* Spectral centroid in Hz of each lane's Welch averaged power over the bins k * sample_rate /
 * size (any plan scale): sum_k f_k P_k / sum_k P_k, 0 for a lane without energy; centroid_hz
 * holds lane_count values. Samples must be finite. */
int32_t amp_analysis_centroid(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                              const uint32_t *lanes, uint32_t lane_count, double *centroid_hz);

/* Up to max_peaks ([1, 1000]) local maxima per lane of the Welch power (plan scale BINS),
 * strongest first, at least min_db dBFS: interpolated frequency (Hz), fractional bin and level
 * (dBFS, scalloping-corrected), each lane_count x max_peaks; found: lane_count counts. */
int32_t amp_analysis_peaks(AmpAnalysisPlan *plan, const AmpAudioView *signal, const uint32_t *lanes,
                           uint32_t lane_count, uint32_t max_peaks, double min_db,
                           double *frequency_hz, double *bin, double *level_db, uint32_t *found);

/* Spectrogram in dBFS, lane_count x columns x points (points fastest), `columns` in
 * [1, amp_analysis_plan_frames] (frames averaged in power into columns); times: columns values,
 * seconds; db_range (may be NULL): the smallest and largest value written (for colour scales). */
int32_t amp_analysis_spectrogram(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                                 const uint32_t *lanes, uint32_t lane_count, uint32_t columns,
                                 double *db, double *times, double *db_range);

/* Energy per band and frame: bands holds band_count ([1, 1024]) pairs [low, high) in Hz with
 * 0 <= low < high <= Nyquist; energy (FS^2 samples, Parseval share of sum((w x)^2)) and level_db
 * (dBFS) are lane_count x band_count x frames (frames = amp_analysis_plan_frames); times: frames
 * values, seconds (frame centres). */
int32_t amp_analysis_band_energy(AmpAnalysisPlan *plan, const AmpAudioView *signal,
                                 const uint32_t *lanes, uint32_t lane_count, const double *bands,
                                 uint32_t band_count, double *energy, double *level_db,
                                 double *times);

/* Exact min, max and RMS of the finite samples per column over frames [start, end), columns in
 * [1, end - start]; non_finite counts NaN/Inf samples; each lane_count x columns. */
int32_t amp_analysis_envelope(const AmpAudioView *signal, const uint32_t *lanes,
                              uint32_t lane_count, uint64_t start, uint64_t end, uint32_t columns,
                              double *min, double *max, double *rms, uint32_t *non_finite);

/* Peak |x|, RMS, DC (mean), crest factor (peak / RMS, 0 without energy) and crest factor in dB
 * (0 when the factor is 0) of every lane, each batches x channels; non-finite samples count as
 * 0. dc, crest and crest_db may be NULL. */
int32_t amp_analysis_levels(const AmpAudioView *signal, double *peak, double *rms, double *dc,
                            double *crest, double *crest_db);

/* STFT frames of a signal of signal_frames samples (frame-count rule of docs/analysis.md):
 * floor((signal_frames - 1 + size - hop) / hop) + 1, 0 for an empty signal. */
uint64_t amp_analysis_stft_frames(uint64_t signal_frames, uint32_t size, uint32_t hop);
/* STFT of one lane (plan hop <= size): out holds stft_frames x (size / 2 + 1) interleaved
 * complex values (out_len doubles). */
int32_t amp_analysis_stft(AmpAnalysisPlan *plan, const double *samples, uint64_t frames,
                          double *out, uint64_t out_len);
/* Inverse STFT by weighted overlap-add of stft_frames spectra into out: the first `frames`
 * samples of the signal, frames >= 1 with amp_analysis_stft_frames(frames) <= stft_frames. */
int32_t amp_analysis_istft(AmpAnalysisPlan *plan, const double *spectra, uint64_t stft_frames,
                           double *out, uint64_t frames);

/* The calling thread's last amp_analysis_* failure; returns its code. */
int32_t amp_analysis_last_error(AmpErrorView *out_error);

#ifdef __cplusplus
}
#endif

#endif /* AMP_NATIVE_H */
