"""Learning rates at steps 0, 1, 2, ... of Keras 3's CosineDecayRestarts, PolynomialDecay and
InverseTimeDecay for the options PyTorch has no scheduler for (m_mul, restarts with alpha and
m_mul together, a non-integer t_mul, end_learning_rate, cycle, staircase). Writes JSON to stdout.

    /usr/bin/python3 tools/reference/make_schedule_goldens.py > tests/Graft.Tests/Fixtures/reference/schedule_goldens.json

A float64 NumPy transcription of the __call__ methods in
keras/src/optimizers/schedules/learning_rate_schedule.py, step by step as written there (Keras
itself runs them in float32). The cases PyTorch covers are in
tests/Graft.Tests/Fixtures/torch/schedule_goldens.json.
"""
import json

import numpy as np


def cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha):
    completed_fraction = np.float64(step) / first_decay_steps
    if t_mul == 1.0:
        i_restart = np.floor(completed_fraction)
        completed_fraction -= i_restart
    else:
        i_restart = np.floor(np.log(1.0 - completed_fraction * (1.0 - t_mul)) / np.log(t_mul))
        sum_r = (1.0 - t_mul ** i_restart) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / t_mul ** i_restart
    m_fac = m_mul ** i_restart
    cosine_decayed = 0.5 * m_fac * (1.0 + np.cos(np.pi * completed_fraction))
    decayed = (1 - alpha) * cosine_decayed + alpha
    return initial_learning_rate * decayed


def polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate, power, cycle):
    global_step = np.float64(step)
    steps = np.float64(decay_steps)
    if cycle:
        multiplier = 1.0 if global_step == 0 else np.ceil(global_step / decay_steps)
        steps = steps * multiplier
    else:
        global_step = min(global_step, steps)
    p = global_step / steps
    return (initial_learning_rate - end_learning_rate) * (1 - p) ** power + end_learning_rate


def inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase):
    p = np.float64(step) / decay_steps
    if staircase:
        p = np.floor(p)
    return initial_learning_rate / (1 + decay_rate * p)


cases = []
for config, steps in [
    ({"initial_learning_rate": 1.0, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 0.5, "alpha": 0.1}, 75),
    ({"initial_learning_rate": 0.3, "first_decay_steps": 7, "t_mul": 1.5, "m_mul": 0.8, "alpha": 0.0}, 50),
    ({"initial_learning_rate": 0.1, "first_decay_steps": 6, "t_mul": 1.0, "m_mul": 0.7, "alpha": 0.05}, 30),
]:
    cases.append({"class_name": "CosineDecayRestarts", "config": config,
                  "learning_rates": [float(cosine_decay_restarts(s, **config)) for s in range(steps)]})
for config, steps in [
    ({"initial_learning_rate": 0.1, "decay_steps": 10, "end_learning_rate": 0.01, "power": 2.0, "cycle": True}, 35),
    ({"initial_learning_rate": 0.2, "decay_steps": 8, "end_learning_rate": 0.02, "power": 0.5, "cycle": False}, 15),
]:
    cases.append({"class_name": "PolynomialDecay", "config": config,
                  "learning_rates": [float(polynomial_decay(s, **config)) for s in range(steps)]})
for config, steps in [
    ({"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": False}, 30),
    ({"initial_learning_rate": 0.2, "decay_steps": 4, "decay_rate": 1.5, "staircase": True}, 30),
]:
    cases.append({"class_name": "InverseTimeDecay", "config": config,
                  "learning_rates": [float(inverse_time_decay(s, **config)) for s in range(steps)]})

print(json.dumps({
    "provenance": "float64 NumPy " + np.__version__ + " transcription of Keras 3's learning-rate schedules, by tools/reference/make_schedule_goldens.py",
    "cases": cases,
}, indent=1))
