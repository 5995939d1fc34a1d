namespace Graft.Tensors;

/// <summary>
/// The device that new tensors without an operand go to (<see cref="Tensor.Zeros(int[])"/>,
/// <see cref="Tensor.FromArray(float[], int[])"/>, initializers, a layer's weights): the one place the
/// default comes from. It is <see cref="Device.Cpu"/> unless a <see cref="Use"/> scope on this thread
/// says otherwise, like <c>with torch.device(...)</c>. Ops never consult it: their results live on
/// their operands' device.
/// </summary>
/// <example><code>
/// using (DefaultDevice.Use(Device.Reference))
/// {
///     var model = BuildModel();          // weights on the reference device
///     var y = model.Predict(x.To(Device.Reference));
/// }
/// </code></example>
public static class DefaultDevice
{
    [ThreadStatic] private static Device? t_current;

    /// <summary>The default device on this thread.</summary>
    public static Device Current => t_current ?? Device.Cpu;

    /// <summary>Makes <paramref name="device"/> the default on this thread until the returned scope is disposed; scopes nest.</summary>
    public static IDisposable Use(Device device)
    {
        var scope = new Scope(t_current);
        t_current = device;
        return scope;
    }

    private sealed class Scope(Device? saved) : IDisposable
    {
        private bool _done;
        public void Dispose() { if (_done) return; _done = true; t_current = saved; }
    }
}
