-- Prices and allowances for embedding units (issue #9): one unit per text the server embeds. The price is per
-- million units, as for reads and writes; the allowance is whole units per month, prorated like theirs.
--
-- The seeded prices follow the cost of the work: all-MiniLM-L6-v2 embeds about 42 texts a second on two cores,
-- so a million texts keep a two-core machine busy for about 6.6 hours, well under a dollar of compute; 2.00 USD a
-- million (pro) is about what a hosted embedding API charges for a million texts of a hundred tokens. free charges
-- nothing, as for its other units, and includes 100,000 texts a month.
alter table plans
    add column embedding_unit_price      bigint not null default 0 check (embedding_unit_price >= 0),
    add column included_embedding_units  bigint not null default 0 check (included_embedding_units >= 0);

update plans set embedding_unit_price = 0, included_embedding_units = 100000 where name = 'free';
update plans set embedding_unit_price = 200, included_embedding_units = 1000000 where name = 'pro';
update plans set embedding_unit_price = 150, included_embedding_units = 20000000 where name = 'enterprise';

-- Invoices gain a line kind for embedding units beyond the plan's allowance.
alter table invoice_lines drop constraint invoice_lines_kind_check;
alter table invoice_lines add constraint invoice_lines_kind_check
    check (kind in ('plan_fee', 'read_units', 'write_units', 'embedding_units', 'storage'));
