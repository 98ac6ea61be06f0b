-- The table of the compose example's route (pgsink.properties: table=public.orders).
CREATE TABLE public.orders (
    id         bigint PRIMARY KEY,
    customer   text NOT NULL,
    amount     numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
