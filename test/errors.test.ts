// The one error class and the uniform validation messages.
import { describe, expect, it } from "vitest";
import { AmpError, AMP_STATUS, describeValue, statusName, validationError } from "../src/errors";

describe("AmpError", () => {
  it("takes (message, { code, codeName, stage, node, detail }) as the addon constructs it", () => {
    const error = new AmpError("boom", {
      code: -2,
      codeName: "AMP_ERR_SHAPE_MISMATCH",
      stage: "set_param",
      node: "g",
      detail: "expected 2x1x4, got 2x1x3",
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AmpError");
    expect(error.message).toBe("boom");
    expect(error.code).toBe("AMP_ERR_SHAPE_MISMATCH");
    expect(error.status).toBe(-2);
    expect(error.stage).toBe("set_param");
    expect(error.node).toBe("g");
    expect(error.detail).toBe("expected 2x1x4, got 2x1x3");
    expect(error.stack?.split("\n")[0]).toBe("AmpError: boom");
  });

  it("maps every status to its stable name", () => {
    expect(Object.entries(AMP_STATUS).map(([name, code]) => [code, statusName(code)])).toEqual(
      Object.entries(AMP_STATUS).map(([name, code]) => [code, name]),
    );
    expect(statusName(-99)).toBe("AMP_ERR_UNKNOWN");
  });
});

describe("validationError", () => {
  it("names node, type, parameter, expected and provided values", () => {
    const error = validationError(
      { node: "osc", type: "sine_osc", param: "frequency" },
      "a finite number in [-1000000, 1000000] Hz",
      "abc",
    );
    expect(error.message).toBe('node "osc" (sine_osc): parameter "frequency" expects a finite number in [-1000000, 1000000] Hz, got "abc"');
    expect(error).toMatchObject({ code: "AMP_ERR_INVALID_ARGUMENT", status: -1, stage: "validate", node: "osc" });
    expect(validationError({ param: "frames", label: "render option" }, "an integer", 1.5).message).toBe(
      'render option "frames" expects an integer, got 1.5',
    );
  });

  it("formats provided values readably", () => {
    expect(describeValue("x")).toBe('"x"');
    expect(describeValue(Number.NaN)).toBe("NaN");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(null)).toBe("null");
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(new Float64Array(3))).toBe("a Float64Array of length 3");
    expect(describeValue(() => 1)).toBe("a function");
  });
});
