"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { deleteSegmentAction, updateSegmentAction } from "@/app/segments/actions";
import { inputClass, secondaryButtonClass } from "../ui/form-controls";

/** Rename, edit a rule segment's rule (the form above the list) and delete, for managers; the list reloads from the server after each. */
export function SegmentRowActions({ id, name, isRule }: { id: string; name: string; isRule: boolean }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [isRenaming, setIsRenaming] = useState(false);
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);

  function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const answer = await updateSegmentAction({ id, name: draft });
      if (!answer.ok) return setError(answer.message);
      setError(null);
      setIsRenaming(false);
      router.refresh();
    });
  }

  function remove() {
    if (!window.confirm(`Delete the segment "${name}"? Runs already started keep their customers.`)) return;
    startTransition(async () => {
      const answer = await deleteSegmentAction({ id });
      if (!answer.ok) return setError(answer.message);
      router.refresh();
    });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      {isRenaming ? (
        <form onSubmit={rename} className="flex gap-1">
          <input aria-label="New name" value={draft} onChange={(e) => setDraft(e.target.value)} className={`${inputClass} w-44`} maxLength={80} />
          <button type="submit" className={secondaryButtonClass} disabled={isPending}>
            Save
          </button>
        </form>
      ) : (
        <div className="flex gap-1">
          <button type="button" className={secondaryButtonClass} onClick={() => setIsRenaming(true)} disabled={isPending}>
            Rename
          </button>
          {isRule ? (
            <Link href={`/segments?edit=${id}`} className={`${secondaryButtonClass} whitespace-nowrap`} data-testid="segment-edit-rule">
              Edit rule
            </Link>
          ) : null}
          <button type="button" className={secondaryButtonClass} onClick={remove} disabled={isPending} data-testid="segment-delete">
            Delete
          </button>
        </div>
      )}
      {error ? (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
