import type { Metadata } from "next";
import { connection } from "next/server";
import { CustomerFilters } from "@/components/customers/customer-filters";
import { CustomersTable } from "@/components/customers/customers-table";
import { formatNumber } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { db } from "@/lib/db";
import { listCustomers, listCustomerSegments } from "@/lib/queries/customers";
import { parseCustomerListParams, type RawSearchParams } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  await connection();
  const { q, segment, tier, page } = parseCustomerListParams(await searchParams);
  const [result, segments] = await Promise.all([
    listCustomers(db, { search: q, segment, valueTier: tier, page }),
    listCustomerSegments(db),
  ]);

  return (
    <>
      <PageHeader
        title="Customers"
        description={<span data-testid="customers-total">{formatNumber(result.total)} customers{q || segment || tier ? " match" : ""}</span>}
      />
      <CustomerFilters search={q} segment={segment} tier={tier} segments={segments} />
      <CustomersTable rows={result.rows} isFiltered={Boolean(q || segment || tier)} />
      <Pagination {...result} noun="customers" basePath="/customers" query={{ q, segment, tier }} />
    </>
  );
}
