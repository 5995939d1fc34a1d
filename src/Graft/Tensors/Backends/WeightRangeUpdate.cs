namespace Graft.Tensors.Backends;

/// <summary>
/// An optimizer's update of one weight applied to a contiguous range of its elements:
/// <paramref name="gradient"/> holds the gradient of elements <paramref name="start"/> ..
/// <paramref name="start"/> + its length (row-major). Ranges given to one update never overlap, and
/// may be applied from several kernel threads at once.
/// </summary>
internal delegate void WeightRangeUpdate(int start, ReadOnlySpan<float> gradient);
