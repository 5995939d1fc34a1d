// Tests share process-wide state on purpose (the global random seed, Keras-style name counters,
// the GEMM thread count), so they run one at a time; the whole suite takes seconds.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
