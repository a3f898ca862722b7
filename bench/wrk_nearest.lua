-- wrk script for bench/api.py: GET PATH?lat=..&lon=..EXTRA, the point picked at random
-- (seeded per thread) from a fixed list, so no two requests in a row are alike.
--
--   wrk -s bench/wrk_nearest.lua URL -- POINTS_FILE PATH [EXTRA_QUERY]
--
-- POINTS_FILE holds one "lat,lon" per line; EXTRA_QUERY is appended as is
-- (for example "&k=5&amenity=toilet").

local requests = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

function init(args)
  local points_file, path, extra = args[1], args[2], args[3] or ""
  if points_file == nil or path == nil then
    error("usage: wrk -s wrk_nearest.lua URL -- POINTS_FILE PATH [EXTRA_QUERY]")
  end
  for line in io.lines(points_file) do
    local lat, lon = line:match("^%s*([-%d.]+)%s*,%s*([-%d.]+)%s*$")
    if lat then
      requests[#requests + 1] =
        wrk.format("GET", path .. "?lat=" .. lat .. "&lon=" .. lon .. extra)
    end
  end
  if #requests == 0 then
    error("no lat,lon lines in " .. points_file)
  end
  math.randomseed(20240601 + (thread_number or 0))
end

function request()
  return requests[math.random(#requests)]
end
