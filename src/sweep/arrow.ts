/**
 * A sweep table as Apache Arrow IPC (the file format, `.arrow` / Feather v2), which pandas
 * (`pd.read_feather`), polars (`pl.read_ipc`), R (`arrow::read_ipc_file`) and apache-arrow read
 * directly. Columns are typed: `index` Int32, `graphHash` Utf8, measurements Float64; a grid path
 * is Float64 when all its values are numbers, Bool when all are booleans, else Utf8 (values as
 * text); `file` and `error` Utf8. A row without a value holds null. Values are copied, never computed.
 */
import { Bool, Field, Float64, Int32, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import type { DataType } from "apache-arrow";
import { ampError } from "../errors";
import type { SweepCell, SweepRow } from "./table";

/** What {@link sweepTableToArrow} reads of a table. */
export interface ArrowSource {
  readonly columns: readonly string[];
  readonly paths: readonly string[];
  readonly rows: readonly SweepRow[];
  cell(row: SweepRow, column: string): SweepCell;
}

/** The Arrow type of a column and its values converted to it. */
function typed(name: string, isPath: boolean, values: readonly SweepCell[]): { type: DataType; values: unknown[] } {
  if (name === "index") return { type: new Int32(), values: [...values] };
  if (name === "graphHash" || name === "file" || name === "error") return { type: new Utf8(), values: values.map((v) => v ?? null) };
  const present = values.filter((v) => v !== undefined);
  if (!isPath || present.every((v) => typeof v === "number")) return { type: new Float64(), values: values.map((v) => v ?? null) };
  if (present.every((v) => typeof v === "boolean")) return { type: new Bool(), values: values.map((v) => v ?? null) };
  return { type: new Utf8(), values: values.map((v) => (v === undefined ? null : String(v))) };
}

/** The table as Arrow IPC file bytes, one column per table column, in order. */
export function sweepTableToArrow(table: ArrowSource): Uint8Array {
  const fields: Field[] = [];
  const children = table.columns.map((name) => {
    const { type, values } = typed(
      name,
      table.paths.includes(name),
      table.rows.map((row) => table.cell(row, name)),
    );
    const vector = vectorFromArray(values, type);
    fields.push(new Field(name, type, name !== "index" && name !== "graphHash"));
    const chunks = vector.data;
    if (chunks.length !== 1)
      throw ampError("AMP_ERR_INTERNAL", `sweep table to Arrow: column ${name} came out in ${chunks.length} chunks`, { stage: "sweep" });
    return chunks[0]!;
  });
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: table.rows.length, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(schema, data)]), "file");
}
