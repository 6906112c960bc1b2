-- wrk script: POST single responses with unique source ids (so every request is a real insert).
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local n = 0
local texts = {"孩子他爸在外打工，想在家门口找点活干", "婆婆瘫在床上，走不开，想学点手艺", "离婚后抚养费不给，想问问法律上咋办"}
request = function()
  n = n + 1
  local body = string.format('{"source_id":"wrk-%d-%d","text":"%s","county":"金寨县","township":"梅山镇","village":"小河村","age":%d}',
    math.random(1, 1000000000), n, texts[(n % 3) + 1], 30 + n % 40)
  return wrk.format("POST", wrk.path, wrk.headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\n", latency:percentile(95)))
end
