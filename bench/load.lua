-- wrk script for bench/load: three ingests of overlapping commits for every
-- health read, or only ingests with BENCH_LOAD_INGEST_ONLY set.  The
-- envelopes come from files that bench/load writes.
local bodies = {}
local n = 0
local token = os.getenv("BENCH_LOAD_TOKEN")
local dir = os.getenv("BENCH_LOAD_DIR")
local health = os.getenv("BENCH_LOAD_INGEST_ONLY") == nil

function init(args)
	local i = 1
	while true do
		local f = io.open(dir .. "/envelope" .. i .. ".json", "r")
		if f == nil then break end
		bodies[i] = f:read("*a")
		f:close()
		i = i + 1
	end
end

function request()
	n = n + 1
	if health and n % 4 == 0 then
		return wrk.format("GET", "/api/health")
	end
	local body = bodies[(n % #bodies) + 1]
	return wrk.format("POST", "/api/ingest", {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}, body)
end
