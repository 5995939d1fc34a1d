"""Reads a TensorBoard log folder with TensorBoard's own reading code and prints every scalar it
finds, as TensorBoard's scalar dashboard would get them: a check that the event files Graft's
TensorBoard callback writes are ones TensorBoard reads.

TensorBoard is not packaged for Debian, but its event-file reader runs without TensorFlow (it falls
back to its pure-Python `tensorflow_stub`, which checks the records' masked CRC-32C) and needs only
protobuf. With a checkout of the TensorBoard repository in <tb> (any folder outside this repository):

    apt-get install protobuf-compiler python3-protobuf python3-absl python3-numpy
    (cd <tb> && protoc --python_out=. $(find tensorboard -name "*.proto"))
    /usr/bin/python3 tools/tensorboard_read_events.py <tb> <logdir>

<logdir> is the folder given to the callback (`new TensorBoard(logdir)`). Each event file is read
record by record by `EventFileLoader` (a corrupt record or checksum stops it with an error), then the
whole folder through `EventMultiplexer`, which migrates `simple_value` scalars to the tensors the
scalar dashboard plots; the script prints each run's tags with their (step, value) pairs.
"""
import glob
import os
import sys

sys.path.insert(0, sys.argv[1])
logdir = sys.argv[2]

from tensorboard.backend.event_processing import event_file_loader  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_multiplexer  # noqa: E402
from tensorboard.compat.tensorflow_stub import pywrap_tensorflow  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

files = sorted(glob.glob(os.path.join(logdir, "**", "events.out.tfevents.*"), recursive=True))
if not files:
    sys.exit(f"no event files under {logdir}")
for path in files:
    # The stub reader raises on a bad length or data checksum; count the records it accepts.
    reader = pywrap_tensorflow.PyRecordReader_New(path.encode())
    records = 0
    while True:
        try:
            reader.GetNext()
        except Exception as e:  # the stub signals the end of the file with an OutOfRangeError
            if type(e).__name__ != "OutOfRangeError":
                raise
            break
        records += 1
    events = list(event_file_loader.EventFileLoader(path).Load())
    print(f"{os.path.relpath(path, logdir)}: {records} records, {len(events)} events, file_version {events[0].file_version!r}")

multiplexer = plugin_event_multiplexer.EventMultiplexer()
multiplexer.AddRunsFromDirectory(logdir)
multiplexer.Reload()
for run in sorted(multiplexer.Runs()):
    for tag in sorted(multiplexer.Runs()[run].get("tensors", [])):
        metadata = multiplexer.SummaryMetadata(run, tag)
        values = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in multiplexer.Tensors(run, tag)]
        print(f"run {run!r} tag {tag!r} plugin {metadata.plugin_data.plugin_name!r}: {values}")
