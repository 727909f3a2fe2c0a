"""jupyter_kernel_test against the installed AMP KPN kernel.

Run by test/kernel-conformance.test.ts (npm test) with JUPYTER_PATH pointing at a temp prefix
and AMP_KPN_KERNEL_NAME naming the kernel installed there; the working folder has no
node_modules, so the cells also prove that `amp-kpn` resolves from anywhere.
"""
import os
import unittest

import jupyter_kernel_test

# A displayable with the three MIME types of a figure (the plotly entry is a JSON object).
FIGURE_LIKE = """({
  [Symbol.for("Jupyter.display")]() {
    return {
      "text/plain": "figure",
      "text/html": "<div>figure</div>",
      "application/vnd.plotly.v1+json": { data: [{ type: "scatter", y: [0, 1] }], layout: {} },
    };
  },
})"""


class AmpKpnKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("AMP_KPN_KERNEL_NAME", "amp-kpn")
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("to stderr")'
    code_generate_error = 'throw new Error("failing on purpose")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"text"', "result": "text"},
        {
            "code": 'import { graph, sineOsc } from "amp-kpn";\ngraph().add("osc", sineOsc({ frequency: 220 })).output("osc").nodes.map((n) => n.name)',
            "result": "[ 'osc' ]",
        },
        {"code": FIGURE_LIKE, "mime": "application/vnd.plotly.v1+json"},
    ]
    code_display_data = [
        {"code": "display(" + FIGURE_LIKE + ")", "mime": "application/vnd.plotly.v1+json"},
        {"code": "display(" + FIGURE_LIKE + ")", "mime": "text/html"},
        {"code": 'import { display as tslabDisplay } from "tslab";\ntslabDisplay.html("<b>tslab</b>")', "mime": "text/html"},
    ]
    completion_samples = [{"text": "Math.ab", "matches": {"abs"}}]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const a = [1,"]
    code_inspect_sample = "Math.max"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main(verbosity=2)
