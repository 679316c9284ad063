// Kysely's SQLite dialect, with LIMIT and OFFSET written so that SQLite plans a statement once.
import { SqliteDialect, SqliteQueryCompiler, type LimitNode, type OffsetNode, type QueryCompiler } from "kysely";

/**
 * SQLite (since 3.47) reads a LIMIT or OFFSET that is a bare `?` as a constant when it plans, so it
 * marks the statement stale whenever that parameter is bound: a prepared page query was parsed and
 * planned again on every read, a fifth of the page's SQLite time. `? + 0` is an expression, which
 * SQLite evaluates when it runs the statement, as it did before; every query here orders along an
 * index that serves the order at any limit, so the known number changed no plan.
 */
class PlanOnceCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    super.visitLimit(node);
    this.append(" + 0");
  }

  protected override visitOffset(node: OffsetNode): void {
    super.visitOffset(node);
    this.append(" + 0");
  }
}

export class PlanOnceSqliteDialect extends SqliteDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PlanOnceCompiler();
  }
}
