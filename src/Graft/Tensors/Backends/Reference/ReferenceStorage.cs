namespace Graft.Tensors.Backends;

/// <summary>
/// The reference device's memory: a double-precision array as long as the tensor. Never pooled
/// (the reference has no speed goals), so a <see cref="TensorScope"/> does not own it.
/// </summary>
internal sealed class ReferenceStorage(int length) : TensorStorage
{
    public double[] Data { get; } = new double[length];
    public override Device Device => Device.Reference;
    public override int Length => Data.Length;
    public override bool IsReleased => false;
    public override void Release() { }
}
