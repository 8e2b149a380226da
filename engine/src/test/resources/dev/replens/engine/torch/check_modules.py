"""Runs exported RepLens modules against the engine's outputs.

Usage: check_modules.py MANIFEST.json; prints one JSON object on stdout.
Each manifest entry names a module file, its class, a weights file and an
.npz with the probe input x and the engine's outputs "training" (the training
form, eval mode) and "fused" (the fused conv). For every entry the script
reports the max |difference| of the module in eval mode and after
switch_to_deploy(), the state_dict keys in both forms, and the PEP 8
problems of the file when pycodestyle is installed.
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pep8_problems(paths):
    try:
        import pycodestyle
    except ImportError:
        return None
    problems = []

    class Collect(pycodestyle.BaseReport):
        def error(self, line, offset, text, check):
            problems.append(f"{self.filename}:{line}:{offset + 1}: {text}")
            return super().error(line, offset, text, check)

    style = pycodestyle.StyleGuide(reporter=Collect, quiet=True)
    style.check_files(paths)
    return problems


def check(entry):
    module = load_module(entry["module"], entry["id"].replace("-", "_"))
    block = getattr(module, entry["class"])()
    block.load_replens_weights(entry["weights"])
    block.eval()
    io = np.load(entry["io"])
    x = torch.from_numpy(io["x"])
    with torch.no_grad():
        training = block(x).numpy()
        keys = sorted(block.state_dict())
        block.switch_to_deploy()
        deployed = block(x).numpy()
    return {
        "id": entry["id"],
        "training_error": float(np.abs(training - io["training"]).max()),
        "deploy_error": float(np.abs(deployed - io["fused"]).max()),
        "training_keys": keys,
        "deploy_keys": sorted(block.state_dict()),
        "dtype": str(deployed.dtype),
    }


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as file:
        entries = json.load(file)
    report = {
        "results": [check(entry) for entry in entries],
        "pep8": pep8_problems([entry["module"] for entry in entries]),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
