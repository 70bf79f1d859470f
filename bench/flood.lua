-- wrk script for bench/load --flood: reads of whole query groups with every
-- commit (n=all), in turn, from the paths in the file BENCH_FLOOD_PATHS.
local paths = {}
local n = 0

function init(args)
	for line in io.lines(os.getenv("BENCH_FLOOD_PATHS")) do
		paths[#paths + 1] = line
	end
end

function request()
	n = n + 1
	return wrk.format("GET", paths[(n % #paths) + 1])
end
